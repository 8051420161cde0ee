"""Coach review: queue, show, approve / amend / reject, audit log, stats, and what the athlete
sees. Runs on SQLite, and on PostgreSQL too when RUNSTRONG_TEST_PG_URL is set."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy
from click.testing import CliRunner
from sqlalchemy import text

from engine.cli.main import cli
from engine.storage.db import open_database
from tests.snapshots import snapshot as take_snapshot

TODAY = dt.date.today()
TABLES = ("athletes", "ladder_positions", "checkins", "recommendations", "review_events")


@pytest.fixture
def run(db_url: str, monkeypatch):
    monkeypatch.setenv("RUNSTRONG_REVIEWER", "coach-sam")
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--db", db_url, *args], input=input)

    return invoke


def snapshot(db_url: str) -> dict[str, list[tuple]]:
    return take_snapshot(db_url, TABLES)


@pytest.fixture
def rec_id(run) -> int:
    """Ana, ready to advance on the pistol ladder, checks in with knee pain: one pending
    recommendation."""
    since = TODAY - dt.timedelta(days=35)
    assert (
        run(
            "athlete",
            "add",
            "ana",
            "--level",
            "intermediate",
            "--coach",
            "--equipment",
            "kettlebell,kettlebell_pair,box,mat,mini_band,dumbbell,dumbbell_pair",
            "--bells",
            "12,16,20",
            "--program",
            "heavy_lifting_for_runners:3",
            "--ladder",
            f"pistol_squat=narrow_stance_squat@{since}",
        ).exit_code
        == 0
    )
    for days_back in (2, 5):
        day = TODAY - dt.timedelta(days=days_back)
        assert (
            run(
                "log",
                "ana",
                "--kind",
                "strength",
                "--date",
                str(day),
                "--exercise",
                "narrow_stance_squat:3x10:posture-ok:easy",
            ).exit_code
            == 0
        )
    result = run(
        "checkin",
        "ana",
        "--recovery",
        "85",
        "--slept-well",
        "--soreness",
        "2",
        "--stress",
        "3",
        "--planned",
        "strength",
        "--pain",
        "knee:2",
    )
    assert result.exit_code == 0, result.output
    return int(result.output.rsplit("#", 1)[1].split()[0])


def test_queue_lists_pending_with_flags(run, rec_id) -> None:
    listed = json.loads(run("review", "list", "--format", "json").output)
    assert [item["id"] for item in listed] == [rec_id]
    assert "pain: knee 2/10" in listed[0]["flags"]
    assert "ladder: pistol squat advance" in listed[0]["flags"]
    assert (
        json.loads(run("review", "list", "--status", "approved", "--format", "json").output) == []
    )


def test_show_has_everything_a_coach_needs(run, rec_id) -> None:
    shown = run("review", "show", str(rec_id)).output
    for needle in (
        "CHECK-IN",
        "pain: knee 2/10",
        "HISTORY FEATURES",
        "hiit_last_7_days",
        "RULES FIRED, IN ORDER",
        "matched pain: area=knee",
        "source d2_",
        "CONSTRAINTS",
        "avoid_pattern=jump",
        "PROPOSALS",
        "PROGRESSIONS",
        "pistol_squat: advance narrow_stance_squat -> isometric_pistol",
        "none yet",
    ):
        assert needle in shown, needle


def test_approve_moves_the_ladder_and_is_logged(run, rec_id, db_url) -> None:
    # With a coach, nothing moves until the coach approves.
    assert "narrow_stance_squat" in run("athlete", "show", "ana").output
    approved = run("review", "approve", str(rec_id), "--note", "Well earned")
    assert approved.exit_code == 0, approved.output
    assert "pistol_squat: isometric_pistol since" in run("athlete", "show", "ana").output
    log = json.loads(run("review", "log", str(rec_id), "--format", "json").output)
    assert log[0]["action"] == "approve" and log[0]["reviewer"] == "coach-sam"
    assert log[0]["changes"]["ladders"]["pistol_squat"]["to"] == "isometric_pistol"
    today = run("today", "ana").output
    assert "approved by your coach" in today and "Coach's note: Well earned" in today
    ladder_rows = snapshot(db_url)["ladder_positions"]
    assert [row[3] for row in ladder_rows] == ["narrow_stance_squat", "isometric_pistol"]


def test_amend_replaces_the_session_the_athlete_sees(run, rec_id) -> None:
    amended = run(
        "review",
        "amend",
        str(rec_id),
        "--swap",
        "push_up_with_alternating_rows=alternating_single_arm_bent_over_row",
        "--dose",
        "single_kettlebell_front_rack_squat=3x8@16",
        "--note",
        "Lighter today",
    )
    assert amended.exit_code == 0, amended.output
    today = json.loads(run("today", "ana", "--why", "--format", "json").output)
    exercises = {e["id"]: e for b in today["session"]["blocks"] for e in b["exercises"]}
    assert (
        "alternating_single_arm_bent_over_row" in exercises
        and "push_up_with_alternating_rows" not in exercises
    )
    assert exercises["single_kettlebell_front_rack_squat"]["load_kg"] == 16
    assert today["amended_by_coach"] is True and today["coach_note"] == "Lighter today"
    log = run("review", "log", str(rec_id)).output
    assert "swapped push_up_with_alternating_rows for alternating_single_arm_bent_over_row" in log


def test_amend_to_another_session_kind(run, rec_id) -> None:
    result = run("review", "amend", str(rec_id), "--kind", "easy_run", "--intensity", "low")
    assert result.exit_code == 0
    today = json.loads(run("today", "ana", "--why", "--format", "json").output)
    assert today["session"]["kind"] == "easy_run" and today["status"] == "amended"


def test_reject_with_reason_and_stats(run, rec_id) -> None:
    rejected = run(
        "review", "reject", str(rec_id), "--reason", "athlete_context", "--note", "Travelling"
    )
    assert rejected.exit_code == 0
    stats = {
        row["rule"]: row for row in json.loads(run("review", "stats", "--format", "json").output)
    }
    assert stats["RS803"]["rejected"] == 1  # the knee-pain rule shaped it
    assert stats["RS803"]["reasons"] == {"athlete_context": 1}
    assert "rejected by your coach" in run("today", "ana").output


def test_deciding_twice_needs_force(run, rec_id, db_url) -> None:
    assert run("review", "approve", str(rec_id)).exit_code == 0
    before = snapshot(db_url)
    again = run("review", "reject", str(rec_id), "--reason", "other")
    assert again.exit_code == 2 and "--force" in again.stderr
    assert snapshot(db_url) == before
    forced = run("review", "reject", str(rec_id), "--reason", "data_error", "--force")
    assert forced.exit_code == 0
    log = json.loads(run("review", "log", str(rec_id), "--format", "json").output)
    assert [event["action"] for event in log] == ["approve", "reject"]
    assert log[1]["forced"] is True and log[1]["from"] == "approved"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("review", "approve", "9999"), "no such recommendation: 9999"),
        (("review", "show", "9999"), "no such recommendation: 9999"),
        (
            ("review", "amend", "{id}", "--swap", "push_up_with_alternating_rows=moon_walk"),
            "unknown exercise 'moon_walk'",
        ),
        (
            (
                "review",
                "amend",
                "{id}",
                "--swap",
                "push_up_with_alternating_rows=hanging_hip_flexion",
            ),
            "needs pull_up_bar",
        ),
        (("review", "amend", "{id}", "--drop", "goblet_squat_x"), "is not in the session"),
        (("review", "amend", "{id}"), "nothing to amend"),
        (("review", "reject", "{id}", "--reason", "because"), "'because' is not one of"),
    ],
)
def test_bad_decisions_change_nothing(run, rec_id, db_url, args, needle) -> None:
    before = snapshot(db_url)
    result = run(*[arg.format(id=rec_id) for arg in args])
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert snapshot(db_url) == before


def test_reviewer_is_required(run, rec_id, monkeypatch) -> None:
    monkeypatch.delenv("RUNSTRONG_REVIEWER")
    result = run("review", "approve", str(rec_id))
    assert result.exit_code == 2 and "--reviewer" in result.stderr


def test_audit_log_cannot_be_edited_or_deleted(run, rec_id, db_url) -> None:
    assert run("review", "approve", str(rec_id)).exit_code == 0
    engine = open_database(db_url)
    for statement in (
        "UPDATE review_events SET reviewer = 'someone else'",
        "DELETE FROM review_events",
    ):
        with pytest.raises(sqlalchemy.exc.DatabaseError), engine.begin() as connection:
            connection.execute(text(statement))
    assert (
        json.loads(run("review", "log", str(rec_id), "--format", "json").output)[0]["reviewer"]
        == "coach-sam"
    )
