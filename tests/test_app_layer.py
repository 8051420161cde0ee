"""The application layer: one implementation per use case, and a CLI that only renders.

Each test pins one property of the app layer, or of what a new athlete and coach
ran into).
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import json
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner
from rich.console import Console

from engine.app.database import open_store
from engine.app.errors import DatabaseUnavailable
from engine.app.history import DayRow, summarise_weeks
from engine.app.ladders import apply_moves
from engine.cli.main import cli
from engine.cli.parsing import parse_dose, parse_exercise
from engine.contract.formatting import fmt_dose
from engine.contract.models import AthleteProfile, PrescribedExercise, Progression
from engine.ruletools.replay import compare as replay_compare
from engine.views.history import history_text, rich_report
from tests.snapshots import snapshot

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date.today()
EQUIPMENT = "kettlebell,kettlebell_pair,box,mat,mini_band,dumbbell,dumbbell_pair"
CHECKIN = ("--recovery", "85", "--slept-well", "--soreness", "2", "--stress", "3")


@pytest.fixture
def run(db: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("RUNSTRONG_REVIEWER", raising=False)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--db", db, *args], input=input)

    return invoke


def _add(run, athlete: str, *extra: str, stage: str = "narrow_stance_squat") -> None:
    since = TODAY - dt.timedelta(days=35)
    result = run(
        "athlete",
        "add",
        athlete,
        "--level",
        "intermediate",
        "--equipment",
        EQUIPMENT,
        "--bells",
        "12,16,20",
        "--program",
        "heavy_lifting_for_runners:3",
        "--ladder",
        f"pistol_squat={stage}@{since}",
        *extra,
    )
    assert result.exit_code == 0, result.output


def _ready_to_advance(run, athlete: str) -> None:
    for days_back in (2, 5):
        day = TODAY - dt.timedelta(days=days_back)
        logged = run(
            "log",
            athlete,
            "--kind",
            "strength",
            "--date",
            str(day),
            "--exercise",
            "narrow_stance_squat:3x10:posture-ok:easy",
        )
        assert logged.exit_code == 0, logged.output


def _rec_id(output: str) -> str:
    return output.rsplit("#", 1)[1].split()[0]


# --- the layout -----------------------------------------------------------------


def test_cli_imports_nothing_from_storage() -> None:
    offenders = []
    for path in sorted((REPO / "engine" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [
                f"{path.name}: {name}" for name in names if name.startswith("engine.storage")
            ]
    assert offenders == []


def test_opening_a_bad_database_raises_instead_of_exiting(run) -> None:
    with pytest.raises(DatabaseUnavailable, match="cannot open the database"):
        open_store("nosuchdriver://nowhere")
    result = CliRunner().invoke(cli, ["--db", "nosuchdriver://nowhere", "review", "list"])
    assert result.exit_code == 2
    assert "cannot open the database" in result.stderr and result.stdout == ""


def test_a_store_closes_its_connections(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'x.db'}", create=True) as store:
        store.list_athletes()
        assert store.engine.pool.checkedin() == 1  # pooled, open
    assert store.engine.pool.checkedin() == 0


def test_a_command_closes_the_store_it_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.storage.store import Store

    closed: list[Store] = []
    close = Store.close
    monkeypatch.setattr(Store, "close", lambda self: (closed.append(self), close(self)))
    db = f"sqlite:///{tmp_path / 'x.db'}"
    added = CliRunner().invoke(cli, ["--db", db, "athlete", "add", "ana", "--level", "beginner"])
    assert added.exit_code == 0
    assert len(closed) == 1 and closed[0].engine.pool.checkedin() == 0


def test_one_dose_formatter_everywhere() -> None:
    item = PrescribedExercise(id="goblet_squat", name="Goblet squat", sets=3, reps=10, load_kg=16)
    assert fmt_dose(item) == "3 x 10, 16 kg"
    assert replay_compare._dose(item) == fmt_dose(item)  # the replay report says it the same way


def test_sets_reps_load_is_parsed_once_for_logs_and_doses() -> None:
    assert parse_dose("goblet_squat=3x8@16") == (
        "goblet_squat",
        {"sets": 3, "reps": 8, "load_kg": 16.0},
    )
    assert parse_exercise("goblet_squat:3x8@16") == {
        "id": "goblet_squat",
        "sets": 3,
        "reps": 8,
        "load_kg": 16.0,
    }
    for bad in ("goblet_squat=3by8", "=3x8", "goblet_squat=3x8@heavy"):
        with pytest.raises(click.BadParameter, match="EXERCISE=SETSxREPS"):
            parse_dose(bad)


def test_ladder_moves_apply_advances_and_regressions_and_say_what_was_skipped() -> None:
    since = dt.date(2026, 10, 1)
    profile = AthleteProfile.model_validate(
        {
            "id": "ana",
            "level": "intermediate",
            "ladders": {"pistol_squat": {"stage": "isometric_pistol", "since": since}},
        }
    )

    def move(action: str, start: str, end: str) -> Progression:
        return Progression.model_validate(
            {"ladder": "pistol_squat", "action": action, "from": start, "to": end, "reason": "r"}
        )

    day = dt.date(2026, 11, 2)
    back = apply_moves(profile, [move("regress", "isometric_pistol", "narrow_stance_squat")], day)
    assert back.profile is not None
    assert back.profile.ladders["pistol_squat"].stage == "narrow_stance_squat"
    assert back.changes()["ladders"]["pistol_squat"]["action"] == "regress"
    held = apply_moves(profile, [move("hold", "isometric_pistol", "isometric_pistol")], day)
    assert held.profile is None and held.skipped == []
    old = apply_moves(profile, [move("advance", "narrow_stance_squat", "isometric_pistol")], day)
    assert old.profile is None
    assert old.skipped == [
        "pistol_squat advance narrow_stance_squat -> isometric_pistol was already applied "
        f"(on isometric_pistol since {since})"
    ]


# --- no coach, no review ---------------------------------------------------


def test_without_a_coach_the_recommendation_is_final(run) -> None:
    _add(run, "bo", "--no-coach")
    _ready_to_advance(run, "bo")
    checked = run("checkin", "bo", *CHECKIN, "--planned", "strength")
    assert checked.exit_code == 0, checked.output
    assert "(final: no coach reviews it" in checked.output
    assert "waiting for your coach" not in run("today", "bo").output
    assert "final: no coach reviews it" in run("today", "bo").output
    assert json.loads(run("today", "bo", "--format", "json").output)["status"] == "final"
    assert run("review", "list").output.strip() == "no pending recommendations"
    assert f"pistol_squat: isometric_pistol since {TODAY}" in run("athlete", "show", "bo").output
    refused = run("review", "approve", _rec_id(checked.output), "--reviewer", "sam")
    assert refused.exit_code == 2 and "has no coach" in refused.stderr


def test_without_a_coach_a_regression_applies_at_once(run, tmp_path: Path) -> None:
    since = TODAY - dt.timedelta(days=30)
    profile = {
        "id": "bo",
        "level": "intermediate",
        "has_coach": False,
        "equipment": EQUIPMENT.split(","),
        "kettlebells_kg": [12, 16, 20],
        "ladders": {
            "pistol_squat": {
                "stage": "isometric_pistol",
                "since": since.isoformat(),
                "assistance": "counterweight",
            }
        },
    }
    source = tmp_path / "bo.yaml"
    source.write_text(yaml.safe_dump(profile))
    assert run("athlete", "add", "bo", "--file", str(source)).exit_code == 0
    for days_back in (2, 4):
        day = TODAY - dt.timedelta(days=days_back)
        exercise = "isometric_pistol:3x8:posture-lost:hard"
        logged = run("log", "bo", "--kind", "strength", "--date", str(day), "--exercise", exercise)
        assert logged.exit_code == 0, logged.output
    checked = run("checkin", "bo", *CHECKIN, "--planned", "strength", "--why")
    assert "regress isometric_pistol -> narrow_stance_squat" in checked.output
    assert f"pistol_squat: narrow_stance_squat since {TODAY}" in run("athlete", "show", "bo").output


# --- the session log --------------------------------------------------------


def test_log_list_show_edit_delete_keep_every_version(run, db: str) -> None:
    _add(run, "ana", "--coach")
    day = str(TODAY - dt.timedelta(days=1))
    first = run("log", "ana", "--kind", "easy_run", "--duration", "40", "--date", day)
    assert first.exit_code == 0, first.output
    log_id = _rec_id(first.output).rstrip(")")
    listed = run("log", "list", "ana")
    assert f"#{log_id}" in listed.output and "Easy run, 40 min" in listed.output
    edited = run("log", "edit", "ana", log_id, "--duration", "45")
    assert edited.exit_code == 0, edited.output
    new_id = edited.output.split("now #", 1)[1].split()[0]
    assert "45 min" in run("log", "list", "ana").output
    assert "40 min" not in run("log", "list", "ana").output
    assert f"superseded by #{new_id}" in run("log", "list", "ana", "--all").output
    assert "duration: 40 min" in run("log", "show", log_id).output  # the old version is kept
    again = run("log", "edit", "ana", log_id, "--duration", "50")
    assert again.exit_code == 2 and f"edited into #{new_id}" in again.stderr
    deleted = run("log", "delete", "ana", new_id)
    assert deleted.exit_code == 0, deleted.output
    assert run("log", "list", "ana").output.strip() == "no sessions logged for ana"
    assert json.loads(run("log", "show", new_id, "--format", "json").output)["status"] == "deleted"
    rows = snapshot(db, ("session_logs",))["session_logs"]
    assert len(rows) == 2  # nothing overwritten, nothing removed
    history = json.loads(run("history", "ana", "--weeks", "1", "--format", "json").output)
    assert all(day_row["sessions"] == [] for day_row in history["days"])


def test_an_identical_session_the_same_day_needs_again(run, db: str) -> None:
    _add(run, "ana", "--coach")
    session = ("log", "ana", "--kind", "strength", "--exercise", "narrow_stance_squat:3x10")
    assert run(*session).exit_code == 0
    before = snapshot(db, ("session_logs",))
    repeat = run(*session)
    assert repeat.exit_code == 2 and "--again" in repeat.stderr
    assert snapshot(db, ("session_logs",)) == before
    assert run(*session, "--again").exit_code == 0
    other = run("log", "ana", "--kind", "strength", "--exercise", "narrow_stance_squat:3x8")
    assert other.exit_code == 0  # a different session that day is no repeat
    future = run("log", "ana", "--kind", "easy_run", "--date", str(TODAY + dt.timedelta(days=1)))
    assert future.exit_code == 2 and "is in the future" in future.stderr


# --- amendments and approvals ---------------------------------------


@pytest.fixture
def low_readiness(run) -> str:
    """A coached athlete on a low-recovery day: HIIT is ruled out (and intensity capped)."""
    _add(run, "ana", "--coach", "--1rm", "single_kettlebell_front_rack_squat=28")
    checked = run(
        "checkin",
        "ana",
        "--recovery",
        "75",
        "--slept-well",
        "--soreness",
        "2",
        "--stress",
        "3",
        "--planned",
        "strength",
    )
    assert checked.exit_code == 0, checked.output
    return _rec_id(checked.output)


def test_an_amendment_that_breaks_the_days_constraints_is_refused(
    run, db: str, low_readiness: str
) -> None:
    before = snapshot(db, ("recommendations", "review_events"))
    refused = run(
        "review",
        "amend",
        low_readiness,
        "--reviewer",
        "sam",
        "--kind",
        "hiit",
        "--intensity",
        "high",
    )
    assert refused.exit_code == 2
    assert "RS202" in refused.stderr and "no HIIT today" in refused.stderr
    assert "INV02" in refused.stderr  # the invariant too
    assert "--override" in refused.stderr
    assert snapshot(db, ("recommendations", "review_events")) == before
    forced = run(
        "review",
        "amend",
        low_readiness,
        "--reviewer",
        "sam",
        "--kind",
        "hiit",
        "--intensity",
        "high",
        "--override",
        "race-specific sharpening, agreed with the athlete",
    )
    assert forced.exit_code == 0, forced.output
    assert "overrode RS202" in forced.output
    trail = json.loads(run("review", "log", low_readiness, "--format", "json").output)
    overrides = trail[-1]["changes"]["overrides"]
    assert {item["rule"] for item in overrides} >= {"RS202", "INV02"}
    assert all(item["reason"].startswith("race-specific") for item in overrides)
    stats = {
        row["rule"]: row for row in json.loads(run("review", "stats", "--format", "json").output)
    }
    assert stats["RS202"]["overridden"] == 1 and stats["INV02"]["overridden"] == 1
    assert "overridden" in run("review", "stats").output
    # The new kind got its own title and no strength blocks under a HIIT heading.
    today = json.loads(run("today", "ana", "--why", "--format", "json").output)
    assert today["session"]["kind"] == "hiit" and "Heavy lifting" not in today["session"]["title"]
    assert all(block["role"] != "main" for block in today["session"]["blocks"])


def test_a_changed_kind_rebuilds_the_session_from_the_knowledge_base(run, low_readiness) -> None:
    amended = run("review", "amend", low_readiness, "--reviewer", "sam", "--kind", "easy_run")
    assert amended.exit_code == 0, amended.output
    session = json.loads(run("today", "ana", "--why", "--format", "json").output)["session"]
    card = json.loads(run("today", "ana", "--format", "json").output)
    assert card["session"] == "Easy run" and card["title"] == "Easy run"
    assert session["kind"] == "easy_run" and session["title"] == "Easy run"
    # The run, after any ladder practice (RS707 puts it before easy runs); no program work.
    roles = [block["role"] for block in session["blocks"]]
    assert roles[-1] == "run" and "main" not in roles and session["program"] is None


def test_loads_round_to_the_athletes_bells_or_are_refused(run, low_readiness) -> None:
    session = json.loads(run("today", "ana", "--why", "--format", "json").output)["session"]
    loaded = next(
        item["id"]
        for block in session["blocks"]
        for item in block["exercises"]
        if item.get("load_kg") is not None
    )
    light = run("review", "amend", low_readiness, "--reviewer", "sam", "--dose", f"{loaded}=3x8@5")
    assert light.exit_code == 2 and "12, 16, 20 kg" in light.stderr
    rounded = run(
        "review", "amend", low_readiness, "--reviewer", "sam", "--dose", f"{loaded}=3x8@17"
    )
    assert rounded.exit_code == 0, rounded.output
    assert "17 kg rounded down to 16 kg" in rounded.output
    session = json.loads(run("today", "ana", "--why", "--format", "json").output)["session"]
    after = json.loads(run("today", "ana", "--format", "json").output)
    loads = [
        item["load_kg"]
        for b in session["blocks"]
        for item in b["exercises"]
        if item["id"] == loaded
    ]
    assert loads and set(loads) == {16}
    # The athlete's card says the coach's kilograms.
    name = next(i["name"] for b in session["blocks"] for i in b["exercises"] if i["id"] == loaded)
    card = [i for b in after["blocks"] for i in b["exercises"] if i["name"] == name]
    assert card and all(item["load"].startswith("16 kg") for item in card)


def test_approving_an_older_advance_says_it_was_applied(run) -> None:
    _add(run, "ana", "--coach")
    _ready_to_advance(run, "ana")
    first = run(
        "checkin",
        "ana",
        *CHECKIN,
        "--planned",
        "strength",
        "--date",
        str(TODAY - dt.timedelta(days=1)),
    )
    second = run("checkin", "ana", *CHECKIN, "--planned", "strength")
    approved = run("review", "approve", _rec_id(second.output), "--reviewer", "sam")
    assert approved.exit_code == 0, approved.output
    assert "pistol_squat advance narrow_stance_squat -> isometric_pistol" in approved.output
    assert "{" not in approved.output  # no Python repr
    older = run("review", "approve", _rec_id(first.output), "--reviewer", "sam")
    assert older.exit_code == 0, older.output
    assert "was already applied" in older.output


def test_a_missing_reviewer_is_explained(run, low_readiness) -> None:
    result = run("review", "approve", low_readiness)
    assert result.exit_code == 2
    assert "--reviewer NAME" in result.output and "RUNSTRONG_REVIEWER" in result.output


# --- output a person reads -----------------------------------------------


def test_kb_show_document_is_words_not_a_repr(run) -> None:
    shown = run("kb", "show", "d2").output
    assert "id='d2'" not in shown and "{" not in shown
    assert "Ashleigh Kast" in shown and "part D2c" in shown


def test_review_show_says_none_planned_instead_of_9999(run, low_readiness) -> None:
    shown = run("review", "show", low_readiness).output
    assert "hours_to_next_quality: none planned" in shown
    assert "9999" not in shown and "=," not in shown and "=\n" not in shown
    assert " 1 weeks" not in shown


def test_history_says_1_week_and_shows_the_same_columns_in_a_terminal() -> None:
    days = [DayRow(date=dt.date(2026, 11, 16) + dt.timedelta(days=n)) for n in range(3)]
    weeks = summarise_weeks(days)
    text = history_text("ana", days, weeks)
    assert "(1 week)" in text
    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None).print(rich_report("ana", days, weeks))
    terminal = buffer.getvalue()
    for section in ("DAYS", "WEEKS"):
        header = text.split(section + "\n", 1)[1].splitlines()[0]
        assert header.split() == next(
            line.split()
            for line in terminal.splitlines()
            if line.split()[:1] == header.split()[:1] and len(line.split()) == len(header.split())
        )
