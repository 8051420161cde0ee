"""A coach's dose means the same on the card, in the log and in the week: a dose
is the session's total, spread over a block's rounds, so ``3x8`` in a 3-round tri-set is one
set of 8 a round, logged as 3 x 8 (it was logged as 9 x 8). And the week shows the coach's
amended session in every format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from tests.snapshots import snapshot

TODAY = dt.date.today()
SQUAT = "single_kettlebell_front_rack_squat"
TRACE = ("features", "rationale", "alternatives", "constraints", "progressions", "hiit")


@pytest.fixture
def run(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'dose.db'}"
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--db", db, *args])

    invoke.db = db  # type: ignore[attr-defined]
    added = invoke(
        "athlete", "add", "ana", "--level", "intermediate", "--coach",
        "--equipment", "kettlebell,kettlebell_pair,box,mat,mini_band,dumbbell,dumbbell_pair",
        "--bells", "12,16,20", "--program", "heavy_lifting_for_runners:3",
        "--ladder", "pistol_squat=narrow_stance_squat",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    checked = invoke("checkin", "ana", "--recovery", "90", "--slept-well", "--soreness", "2",
                     "--stress", "2", "--planned", "strength")  # fmt: skip
    assert checked.exit_code == 0, checked.output
    invoke.rec = checked.output.rsplit("#", 1)[1].split()[0]  # type: ignore[attr-defined]
    return invoke


def _block_of(session: dict, exercise: str) -> tuple[dict, dict]:
    return next(
        (block, item)
        for block in session["blocks"]
        for item in block["exercises"]
        if item["id"] == exercise
    )


def test_a_coach_dose_is_the_total_on_the_card_in_the_log_and_in_the_week(run) -> None:
    amended = run("review", "amend", run.rec, "--reviewer", "kim", "--dose", f"{SQUAT}=3x8")
    assert amended.exit_code == 0, amended.output
    assert "sets 3, reps 8 in all (1 in each of 3 rounds)" in amended.output
    card = json.loads(run("today", "ana", "--why", "--format", "json").output)
    block, item = _block_of(card["session"], SQUAT)
    assert block["rounds"] == 3
    assert (item["sets"], item["reps"]) == (1, 8)  # one set of 8 in each of the 3 rounds
    logged = run("log", "ana", "--as-recommended")
    assert logged.exit_code == 0, logged.output
    [stored] = json.loads(run("log", "list", "ana", "--format", "json").output)
    done = next(entry for entry in stored["log"]["exercises"] if entry["id"] == SQUAT)
    assert (done["sets"], done["reps"]) == (3, 8)  # not 9 x 8
    week = run("week", "ana", "--why", "--format", "json")
    assert week.exit_code == 0, week.output
    assert "8-12" not in _today_in_week(json.loads(week.output), SQUAT)


def _today_in_week(week: dict, exercise: str) -> str:
    """Today's entry of the week JSON, as text, checked to hold ``exercise``."""
    [day] = [day for day in week["days"] if day["date"] == TODAY.isoformat()]
    # The session only: the trace (features, rationale ...) names what the engine considered.
    shown = day.get("recommendation", day)
    text = json.dumps({key: value for key, value in shown.items() if key not in TRACE})
    assert exercise in text
    return text


def test_the_week_shows_the_coachs_session_in_text_json_and_ics(run) -> None:
    swapped = run(
        "review", "amend", run.rec, "--reviewer", "kim", "--swap", f"{SQUAT}=goblet_squat"
    )
    assert swapped.exit_code == 0, swapped.output
    for output_format in ("text", "json", "ics"):
        week = run("week", "ana", "--format", output_format)
        assert week.exit_code == 0, week.output
        today = _between(week.output, TODAY.isoformat(), (TODAY + dt.timedelta(days=1)).isoformat())
        if output_format == "json":
            today = _today_in_week(json.loads(week.output), "oblet")
        elif output_format == "ics":
            today = week.output.replace("\r\n ", "").split("END:VEVENT")[0]
        assert "oblet squat" in today.replace("_", " "), (output_format, today)
        # The coach's swap note names the old exercise; nothing else may.
        shown = today.replace("_", " ").replace("swap for Single kettlebell front rack squat", "")
        assert "ront rack squat" not in shown, (output_format, today)


def _between(text: str, start: str, end: str) -> str:
    """The part of ``text`` from the first ``start`` up to the next ``end``."""
    return text[text.index(start) :].split(end)[0]


def test_a_dose_that_does_not_split_over_the_rounds_is_refused(run) -> None:
    before = snapshot(run.db, ("recommendations", "review_events"))
    refused = run("review", "amend", run.rec, "--reviewer", "kim", "--dose", f"{SQUAT}=4x8")
    assert refused.exit_code == 2
    assert "dose" in refused.output and "4 sets do not split over the 3 rounds" in refused.output
    assert snapshot(run.db, ("recommendations", "review_events")) == before
