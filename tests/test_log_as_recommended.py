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
                 "--why", "--format", "json")  # fmt: skip
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
        "id": "x", "sets": 3, "reps": 8, "load_kg": 16.0, "duration_s": None,
        "posture_held": None, "felt_easy": None, "ready_to_progress": None,
    }  # fmt: skip
    # A flag answers one question; the other stays unrated.
    assert by_id["deficit_reverse_lunge"]["posture_held"] is None
    today = _checkin(run, TODAY)
    assert today["features"]["history"]["lower_body_strength_last_7_days"] == 1
    assert today["features"]["ladders"]["pistol_squat"]["posture_lost_recently"] is True
    assert "RS703" in [entry["rule"] for entry in today["rationale"]]  # hold after lost posture


def _two_logged_days(run, *extra: str) -> dict:
    """Two strength days logged as recommended (with ``extra``), then today's check-in."""
    for days_ago in (3, 1):
        day = (TODAY - dt.timedelta(days=days_ago)).isoformat()
        _checkin(run, TODAY - dt.timedelta(days=days_ago))
        logged = run("log", "ana", "--as-recommended", "--date", day, *extra)
        assert logged.exit_code == 0, logged.output
    return _checkin(run, TODAY)


def test_unrated_as_recommended_logs_open_no_gate(run) -> None:
    """Two "as recommended" logs moved a pistol ladder a stage the athlete never
    rated. Unrated work is no evidence: the gate stays shut and nothing advances."""
    today = _two_logged_days(run)
    ladder = today["features"]["ladders"]["pistol_squat"]
    assert ladder["recent_sessions"] == 0
    assert ladder["recent_posture_held"] != "yes"
    assert ladder["recent_felt_easy"] != "yes"
    assert ladder["posture_lost_recently"] is False
    assert [p for p in today["progressions"] if p["action"] == "advance"] == []


def test_rated_as_recommended_logs_feed_the_gate(run) -> None:
    today = _two_logged_days(run, "--exercise", "narrow_stance_squat:posture-ok:easy")
    ladder = today["features"]["ladders"]["pistol_squat"]
    assert ladder["recent_sessions"] == 2
    assert ladder["recent_posture_held"] == "yes"
    assert ladder["recent_felt_easy"] == "yes"
    assert [p["action"] for p in today["progressions"]] == ["advance"]


def test_the_command_says_what_it_stored_and_how_to_rate(run) -> None:
    _checkin(run, YESTERDAY)
    result = run("log", "ana", "--as-recommended", "--date", YESTERDAY.isoformat())
    assert result.exit_code == 0, result.output
    assert "Narrow-stance squat (flat-foot squat): 3 x 10 (unrated)" in result.output
    assert "Unrated work moves no ladder stage and no load" in result.output
    command = result.output[result.output.index("runstrong log edit") :].replace("\\\n", " ")
    words = command.replace("posture-ok:easy", "posture-lost:hard", 1).split()
    rated = run(*words[1:])  # the printed command, pasted with the first answer changed
    assert rated.exit_code == 0, rated.output
    [current] = json.loads(run("log", "list", "ana", "--format", "json").output)
    first, *others = current["log"]["exercises"]
    assert (first["posture_held"], first["felt_easy"]) == (False, False)
    assert all((item["posture_held"], item["felt_easy"]) == (True, True) for item in others)
    assert "(unrated)" not in run("log", "show", "ana", str(current["id"])).output


def test_log_edit_rates_in_place_or_refuses_a_mix(run) -> None:
    _checkin(run, YESTERDAY)
    assert run("log", "ana", "--as-recommended", "--date", YESTERDAY.isoformat()).exit_code == 0
    [logged] = json.loads(run("log", "list", "ana", "--format", "json").output)
    log_id = str(logged["id"])
    before = snapshot(run.db, TABLES)
    mixed = run("log", "edit", "ana", log_id, "--exercise", "narrow_stance_squat:posture-ok",
                "--exercise", "goblet_squat:3x8")  # fmt: skip
    assert mixed.exit_code == 2 and "not both" in mixed.output
    absent = run("log", "edit", "ana", log_id, "--exercise", "goblet_squat:posture-ok")
    assert absent.exit_code == 2 and "'goblet_squat' is not in session log" in absent.output
    assert snapshot(run.db, TABLES) == before
    rated = run("log", "edit", "ana", log_id, "--exercise", "narrow_stance_squat:posture-lost")
    assert rated.exit_code == 0, rated.output
    [current] = json.loads(run("log", "list", "ana", "--format", "json").output)
    by_id = {item["id"]: item for item in current["log"]["exercises"]}
    assert by_id["narrow_stance_squat"]["posture_held"] is False
    assert by_id["narrow_stance_squat"]["felt_easy"] is None
    assert len(by_id) == len(logged["log"]["exercises"])


def test_session_fields_go_with_as_recommended(run) -> None:
    _checkin(run, YESTERDAY)
    result = run(
        "log", "ana", "--as-recommended", "--date", YESTERDAY.isoformat(), "--duration", "52",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [current] = json.loads(run("log", "list", "ana", "--format", "json").output)
    assert current["log"]["duration_min"] == 52


def test_an_as_recommended_hiit_stores_its_time_not_zero_reps(run) -> None:
    result = run("checkin", "ana", "--date", YESTERDAY.isoformat(), *READY, "--planned", "hiit",
                 "--why", "--format", "json")  # fmt: skip
    session = json.loads(result.output)["session"]
    assert session["kind"] == "hiit"
    [block] = [block for block in session["blocks"] if block["role"] == "conditioning"]
    [interval] = block["exercises"]
    logged = run("log", "ana", "--as-recommended", "--date", YESTERDAY.isoformat(), "--hr-settled")
    assert logged.exit_code == 0, logged.output
    assert " x 0" not in logged.output
    [current] = json.loads(run("log", "list", "ana", "--format", "json").output)
    [done] = current["log"]["exercises"]
    assert (done["sets"], done["duration_s"]) == (block["rounds"], interval["duration_s"])
    work = block["rounds"] * interval["duration_s"]
    rest = (block["rounds"] - 1) * block["rest_between_rounds_s"]
    assert current["log"]["duration_min"] == round((work + rest) / 60)
    assert current["log"]["hr_back_to_normal"] is True
    shown = run("log", "show", "ana", str(current["id"])).output
    assert f"{interval['name']}: {block['rounds']} x {interval['duration_s']} s (unrated)" in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--hard", "goblet_squat"), "--hard: 'goblet_squat' is not in the session"),
        (("--dose", "goblet_squat=3x8@16"), "--dose: 'goblet_squat' is not in the session"),
        (("--kind", "strength"), "drop --kind"),
        (("--exercise", "goblet_squat:posture-ok"), "--exercise: 'goblet_squat' is not in"),
        (("--exercise", "narrow_stance_squat:sloppy"), "unknown flag 'sloppy'"),
        (("--duration", "5000"), "duration_min"),
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
