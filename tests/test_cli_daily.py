"""The daily loop from the command line: athlete, checkin, log, today.

Every refused input exits 2 with a message naming the field, and leaves the database exactly as
it was (compared table by table).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engine.cli import checkin_cmd
from tests.snapshots import snapshot as take_snapshot

TODAY = dt.date.today()
TABLES = ("athletes", "ladder_positions", "checkins", "session_logs", "recommendations")


@pytest.fixture
def ana(run) -> None:
    result = run(
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
        f"pistol_squat=narrow_stance_squat@{TODAY - dt.timedelta(days=30)}",
        "--1rm",
        "single_kettlebell_front_rack_squat=28",
    )
    assert result.exit_code == 0, result.output


def snapshot(db_url: str) -> dict[str, list[tuple]]:
    return take_snapshot(db_url, TABLES)


CHECKIN = ("--recovery", "85", "--slept-well", "--soreness", "2", "--stress", "3")


def test_athlete_add_show_list_edit(run, ana) -> None:
    shown = run("athlete", "show", "ana")
    assert "ladder pistol_squat: narrow_stance_squat" in shown.output
    assert "ana" in run("athlete", "list").output
    edited = run("athlete", "edit", "ana", "--program", "heavy_lifting_for_runners:3", "--coach")
    assert edited.exit_code == 0
    assert "has a coach" in run("athlete", "show", "ana").output


def test_athlete_add_from_file(run, tmp_path) -> None:
    profile = tmp_path / "bea.yaml"
    profile.write_text("id: bea\nlevel: beginner\nequipment: [mat]\n")
    assert run("athlete", "add", "bea", "--file", str(profile)).exit_code == 0
    assert "bea (beginner)" in run("athlete", "show", "bea").output


def test_checkin_stores_and_prints_the_recommendation(run, ana, db) -> None:
    result = run("checkin", "ana", *CHECKIN, "--planned", "strength")
    assert result.exit_code == 0, result.output
    assert "Heavy lifting for runners" in result.output.splitlines()[0]
    assert "waiting for your coach's review" in result.output
    today = run("today", "ana")
    assert (
        "Heavy lifting for runners" in today.output.splitlines()[0]
        and "waiting for your coach" in today.output
    )
    tables = snapshot(db)
    assert len(tables["checkins"]) == 1 and len(tables["recommendations"]) == 1


def test_log_feeds_the_next_checkin(run, ana) -> None:
    for days_back in (1, 4):
        day = TODAY - dt.timedelta(days=days_back)
        logged = run("log", "ana", "--kind", "hiit", "--date", str(day), "--hr-stayed-high")
        assert logged.exit_code == 0, logged.output
    result = run("checkin", "ana", *CHECKIN, "--planned", "hiit", "--why", "--format", "json")
    assert '"allowed": false' in result.output  # two HIIT in the last 7 days


def test_second_checkin_same_day_is_refused_then_replaced(run, ana, db) -> None:
    assert run("checkin", "ana", *CHECKIN).exit_code == 0
    before = snapshot(db)
    again = run("checkin", "ana", *CHECKIN)
    assert again.exit_code == 2 and "--replace" in again.stderr
    assert snapshot(db) == before
    replaced = run(
        "checkin",
        "ana",
        "--recovery",
        "60",
        "--slept-badly",
        "--soreness",
        "5",
        "--stress",
        "4",
        "--replace",
    )
    assert replaced.exit_code == 0
    after = snapshot(db)
    assert len(after["checkins"]) == 1  # never duplicated
    assert sorted(row[4] for row in after["recommendations"]) == ["pending", "superseded"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            (
                "checkin",
                "ana",
                "--recovery",
                "120",
                "--slept-well",
                "--soreness",
                "2",
                "--stress",
                "3",
            ),
            "recovery_pct",
        ),
        (
            (
                "checkin",
                "ana",
                "--recovery",
                "80",
                "--slept-well",
                "--soreness",
                "11",
                "--stress",
                "3",
            ),
            "soreness",
        ),
        (("checkin", "bob", *CHECKIN), "no athlete 'bob'"),
        (
            ("checkin", "ana", *CHECKIN, "--date", str(TODAY + dt.timedelta(days=1))),
            "in the future",
        ),
        (("checkin", "ana", *CHECKIN, "--pain", "elbowz:3"), "pain[0].area"),
        (("checkin", "ana", *CHECKIN, "--pain", "knee"), "AREA:SEVERITY"),
        (("checkin", "ana", "--recovery", "80"), "missing --slept-well/--slept-badly"),
        (
            ("log", "ana", "--kind", "strength", "--exercise", "bench_press:3x5"),
            "unknown exercise 'bench_press'",
        ),
        (("log", "ana", "--kind", "strength", "--program", "couch_to_5k"), "unknown program"),
        (
            ("log", "ana", "--kind", "easy_run", "--date", str(TODAY + dt.timedelta(days=2))),
            "in the future",
        ),
        (
            (
                "athlete",
                "add",
                "cy",
                "--level",
                "beginner",
                "--ladder",
                "pistol_squat=goblet_squat",
            ),
            "pistol_squat.stage",
        ),
        (
            ("athlete", "add", "cy", "--level", "beginner", "--equipment", "hover_board"),
            "unknown equipment",
        ),
        (("athlete", "add", "ana", "--level", "beginner"), "already exists"),
        (("athlete", "edit", "nobody", "--level", "beginner"), "no athlete 'nobody'"),
        (("today", "ana"), "no check-in"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(run, ana, db, args, needle) -> None:
    before = snapshot(db)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert snapshot(db) == before


def test_malformed_checkin_file(run, ana, db, tmp_path) -> None:
    bad = tmp_path / "checkin.yaml"
    bad.write_text("recovery_pct: 80\nslept_well: [yes\n")
    before = snapshot(db)
    result = run("checkin", "ana", "--file", str(bad))
    assert result.exit_code == 2 and "checkin.yaml:" in result.stderr
    assert snapshot(db) == before


def test_checkin_from_file_with_upcoming_runs(run, ana, tmp_path) -> None:
    day = TODAY - dt.timedelta(days=1)
    path = tmp_path / "checkin.yaml"
    path.write_text(
        f"date: {day}\nrecovery_pct: 90\nslept_well: true\nsoreness: 1\nlife_stress: 2\n"
        f"planned: strength\nupcoming:\n  - {{date: {TODAY}, kind: long_run}}\n"
    )
    result = run("checkin", "ana", "--file", str(path), "--why", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"no_lower_body_strength"' in result.output  # a long run within 48 h


def test_interactive_prompts_ask_again_in_plain_words(run, ana, monkeypatch) -> None:
    monkeypatch.setattr(checkin_cmd, "interactive", lambda: True)
    # 150 and "maybe" are refused and asked again; then the plan and one pain report.
    answers = "150\n85\nmaybe\ny\n2\n3\nstrength\ny\nknee\n3\nsquats\nn\n"
    result = run("checkin", "ana", input=answers)
    assert result.exit_code == 0, result.output
    assert "please give a whole number from 0 to 100, not '150'" in result.output
    assert "please answer y (yes) or n (no), not 'maybe'" in result.output
    assert "Did you sleep well? [y/n]" in result.output
    assert "Recognized values" not in result.output and "0<=x<=100" not in result.output
    assert "What did you plan today?" in result.output and "Any pain today? [y/n]" in result.output
    rec_id = result.output.rsplit("#", 1)[1].split()[0]
    shown = json.loads(run("review", "show", rec_id, "--format", "json").output)
    assert shown["checkin"]["planned"] == "strength"
    assert shown["checkin"]["pain"] == [{"area": "knee", "severity": 3, "during": "squats"}]
    assert shown["checkin"]["slept_well"] is True


def test_interactive_choices_are_in_words_and_taken_in_words(run, ana, monkeypatch) -> None:
    monkeypatch.setattr(checkin_cmd, "interactive", lambda: True)
    result = run("checkin", "ana", input="85\ny\n2\n3\nEasy run\ny\nlower back\n2\n\nn\n")
    assert result.exit_code == 0, result.output
    assert "easy run, quality run, long run" in result.output and "easy_run" not in result.output
    assert "lower back, upper back" in result.output and "low_back" not in result.output
    rec_id = result.output.rsplit("#", 1)[1].split()[0]
    shown = json.loads(run("review", "show", rec_id, "--format", "json").output)
    assert shown["checkin"]["planned"] == "easy_run"
    assert shown["checkin"]["pain"] == [{"area": "low_back", "severity": 2, "during": None}]


def test_interactive_replace_is_asked_before_the_questions(run, ana, monkeypatch) -> None:
    monkeypatch.setattr(checkin_cmd, "interactive", lambda: True)
    assert run("checkin", "ana", *CHECKIN).exit_code == 0
    declined = run("checkin", "ana", input="n\n")
    assert declined.exit_code == 0, declined.output
    assert declined.output.startswith(
        f"ana already checked in on {TODAY}. Replace today's check-in? [y/n]"
    )
    assert "How recovered" not in declined.output and "kept the check-in" in declined.output
    accepted = run("checkin", "ana", input="y\n70\nn\n4\n4\n\nn\n")
    assert accepted.exit_code == 0, accepted.output
    assert "How recovered" in accepted.output and "recommendation #" in accepted.output


def test_without_a_coach_an_advance_takes_effect_at_once(run, ana) -> None:
    assert run("athlete", "edit", "ana", "--no-coach").exit_code == 0
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
    result = run("checkin", "ana", *CHECKIN, "--planned", "strength", "--why")
    assert "advance narrow_stance_squat -> isometric_pistol" in result.output
    assert "needs coach approval" not in result.output
    assert f"pistol_squat: isometric_pistol since {TODAY}" in run("athlete", "show", "ana").output
