"""Coaching judgment across the days of the week plan: loaded leg sessions 48 hours apart, a
plain word when the plan holds no runs, a missed weekly minimum said instead of sessions
stacked, the demo's running calendar, and the HIIT line that says what counts."""

from __future__ import annotations

import datetime as dt
import itertools
import json

from engine.app.session_lines import hiit_lines
from engine.contract.models import HiitDecision

LOADED_LEGS = "heavy_lifting_for_runners"


def _check_in(run, *extra: str) -> None:
    result = run(
        "checkin", "ivo", "--recovery", "90", "--slept-well", "--soreness", "2", "--stress", "2",
        *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def _week(run, athlete: str = "ivo") -> dict:
    result = run("week", athlete, "--why", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _heavy_days(plan: dict) -> list[dt.date]:
    return [
        dt.date.fromisoformat(day["date"])
        for day in plan["days"]
        if day["recommendation"]["session"]["program"] == LOADED_LEGS
    ]


def _two_days_apart(days: list[dt.date]) -> bool:
    return all((later - earlier).days >= 2 for earlier, later in itertools.pairwise(days))


def test_strength_planned_every_day_never_gives_heavy_legs_on_consecutive_days(run, ivo) -> None:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    run("calendar", "add", "ivo", *(arg for day in days for arg in ("--weekly", f"{day}:strength")))
    _check_in(run)
    heavy = _heavy_days(_week(run))
    assert len(heavy) >= 2, heavy
    assert _two_days_apart(heavy), heavy


def test_a_second_checkin_after_the_heavy_session_was_logged_gives_no_second_one(run, ivo) -> None:
    run("calendar", "add", "ivo", "--weekly", "sun:long_run")
    _check_in(run, "--planned", "strength")
    assert run("log", "ivo", "--as-recommended").exit_code == 0
    result = run(
        "checkin", "ivo", "--recovery", "90", "--slept-well", "--soreness", "2", "--stress", "2",
        "--planned", "strength", "--replace", "--why", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    recommendation = json.loads(result.output)
    assert recommendation["session"]["program"] != LOADED_LEGS
    assert {"kind": "no_lower_body_strength", "rule": "RS504"}.items() <= next(
        item for item in recommendation["constraints"] if item["rule"] == "RS504"
    ).items()


def test_a_week_without_runs_says_so_and_how_to_add_them(run, ivo) -> None:
    _check_in(run)
    plan = _week(run)
    assert plan["has_runs"] is False
    text = run("week", "ivo").output
    assert "No runs in this plan" in text
    assert "runstrong calendar add ivo --weekly" in text


def test_a_week_with_runs_does_not_nag(run, ivo) -> None:
    run("calendar", "add", "ivo", "--weekly", "sun:long_run", "--weekly", "tue:quality_run")
    _check_in(run)
    assert _week(run)["has_runs"] is True
    assert "No runs in this plan" not in run("week", "ivo").output


def test_a_minimum_the_spacing_cannot_hold_is_said_not_stacked(run, ivo) -> None:
    """Quality runs on Tuesday and Thursday and a long run on Saturday leave no pair of days
    48 hours clear of them and of each other: the week-3 minimum of two cannot be met, and the
    week says so instead of putting two heavy sessions side by side."""
    run(
        "calendar", "add", "ivo", "--weekly", "tue:quality_run", "--weekly", "thu:quality_run",
        "--weekly", "sat:long_run", "--weekly", "mon:easy_run", "--weekly", "wed:easy_run",
        "--weekly", "fri:easy_run", "--weekly", "sun:easy_run",
    )  # fmt: skip
    _check_in(run)
    today = dt.date.today()
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7)
    result = run("week", "ivo", "--from", monday.isoformat(), "--why", "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    heavy = _heavy_days(plan)
    assert len(heavy) < 2
    assert [(m["program"], m["planned"], m["minimum"]) for m in plan["missed_minimums"]] == [
        (LOADED_LEGS, len(heavy), 2)
    ]
    text = run("week", "ivo", "--from", monday.isoformat()).output
    assert f"{len(heavy)} of its 2 sessions in the week ending" in text


def test_the_demo_week_shows_runs_and_no_heavy_legs_on_consecutive_days(run) -> None:
    assert run("demo").exit_code == 0
    plan = _week(run, "demo-runner")
    assert plan["has_runs"] is True
    kinds = {run_["kind"] for day in plan["days"] for run_ in day["calendar_runs"]}
    assert {"quality_run", "long_run", "easy_run"} <= kinds
    heavy = _heavy_days(plan)
    assert _two_days_apart(heavy), heavy
    listed = json.loads(run("calendar", "list", "demo-runner", "--format", "json").output)
    assert {entry["source"] for entry in listed["entries"]} == {"demo"}
    # Running the demo again stores no second copy of its calendar.
    assert run("demo").exit_code == 0
    again = json.loads(run("calendar", "list", "demo-runner", "--format", "json").output)
    assert len(again["entries"]) == len(listed["entries"])


# --- the HIIT line -------------------------------------------------------------------------------


def test_the_hiit_line_is_only_said_on_a_day_hiit_was_on_the_table() -> None:
    quality_day = HiitDecision(
        allowed=True, sessions_last_7_days=1, quality_runs_counted=1, work_s=30, rest_s=60
    )
    assert hiit_lines(quality_day) == [
        "Intense sessions in the last 7 days: 1 (quality runs count: 1 of them)"
    ]
    hiit_day = quality_day.model_copy(update={"considered": True})
    assert hiit_lines(hiit_day)[0] == "HIIT: allowed; intervals 30 s work / 60 s rest"
    blocked = HiitDecision(allowed=False, sessions_last_7_days=0, considered=True)
    assert hiit_lines(blocked) == ["HIIT: not today", "Intense sessions in the last 7 days: 0"]
    assert hiit_lines(HiitDecision(allowed=True, sessions_last_7_days=0)) == []
