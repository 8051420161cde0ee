"""``runstrong log ID --as-recommended``: the day's session logged in one command, with
per-exercise corrections, and read by the next day's rules (driven through the CLI)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from tests.snapshots import snapshot

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
TABLES = ("athletes", "checkins", "session_logs", "recommendations")
READY = ("--recovery", "90", "--slept-well", "--soreness", "2", "--stress", "2")


@pytest.fixture
def run(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'log.db'}"
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--db", db, *args])

    invoke.db = db  # type: ignore[attr-defined]
    added = invoke(
        "athlete", "add", "ana", "--level", "intermediate",
        "--equipment", "kettlebell,kettlebell_pair,box,mat,mini_band,dumbbell,dumbbell_pair",
        "--bells", "12,16,20", "--program", "heavy_lifting_for_runners:3",
        "--ladder", f"pistol_squat=narrow_stance_squat@{TODAY - dt.timedelta(days=30)}",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    return invoke


def _checkin(run, day: dt.date) -> dict:
    result = run("checkin", "ana", "--date", day.isoformat(), *READY, "--planned", "strength",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_recommended_session_is_logged_and_read_the_next_day(run) -> None:
    recommendation = _checkin(run, YESTERDAY)
    main = [
        item["id"]
        for block in recommendation["session"]["blocks"]
        if block["role"] in ("main", "accessory")
        for item in block["exercises"]
    ]
    assert "narrow_stance_squat" in main
    result = run(
        "log", "ana", "--as-recommended", "--date", YESTERDAY.isoformat(),
        "--posture-lost", "narrow_stance_squat", "--hard", "deficit_reverse_lunge",
        "--skipped", "double_kettlebell_swing",
        "--dose", "single_kettlebell_front_rack_squat=3x8@16",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    logged = json.loads(run("log", "list", "ana", "--format", "json").output)[0]["log"]
    by_id = {item["id"]: item for item in logged["exercises"]}
    assert logged["kind"] == "strength"
    assert logged["program"] == "heavy_lifting_for_runners"
    assert set(by_id) == set(main) - {"double_kettlebell_swing"}
    assert by_id["narrow_stance_squat"]["posture_held"] is False
    assert by_id["deficit_reverse_lunge"]["felt_easy"] is False
    assert by_id["single_kettlebell_front_rack_squat"] | {"id": "x"} == {
        "id": "x", "sets": 3, "reps": 8, "load_kg": 16.0, "posture_held": True, "felt_easy": True,
        "ready_to_progress": None,
    }  # fmt: skip
    today = _checkin(run, TODAY)
    assert today["features"]["history"]["lower_body_strength_last_7_days"] == 1
    assert today["features"]["ladders"]["pistol_squat"]["posture_lost_recently"] is True
    assert "RS703" in [entry["rule"] for entry in today["rationale"]]  # hold after lost posture


def test_a_clean_session_feeds_the_ladder_gate(run) -> None:
    _checkin(run, YESTERDAY)
    assert run("log", "ana", "--as-recommended", "--date", YESTERDAY.isoformat()).exit_code == 0
    ladder = _checkin(run, TODAY)["features"]["ladders"]["pistol_squat"]
    assert ladder["recent_sessions"] == 1
    assert ladder["recent_posture_held"] == "yes"
    assert ladder["recent_felt_easy"] == "yes"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--hard", "goblet_squat"), "--hard: 'goblet_squat' is not in the session"),
        (("--dose", "goblet_squat=3x8@16"), "--dose: 'goblet_squat' is not in the session"),
        (("--kind", "strength"), "drop --kind"),
    ],
)
def test_bad_corrections_exit_2_and_change_nothing(run, args, message) -> None:
    _checkin(run, YESTERDAY)
    before = snapshot(run.db, TABLES)
    result = run("log", "ana", "--as-recommended", "--date", YESTERDAY.isoformat(), *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert snapshot(run.db, TABLES) == before


def test_without_a_checkin_there_is_nothing_to_log(run) -> None:
    result = run("log", "ana", "--as-recommended")
    assert result.exit_code == 2
    assert "check in first" in result.output


def test_corrections_need_as_recommended(run) -> None:
    result = run("log", "ana", "--kind", "strength", "--hard", "goblet_squat")
    assert result.exit_code == 2
    assert "go with --as-recommended" in result.output


def test_logging_it_twice_needs_again(run) -> None:
    _checkin(run, YESTERDAY)
    assert run("log", "ana", "--as-recommended", "--date", YESTERDAY.isoformat()).exit_code == 0
    twice = run("log", "ana", "--as-recommended", "--date", YESTERDAY.isoformat())
    assert twice.exit_code == 2
    assert "already logged" in twice.output
