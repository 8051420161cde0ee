"""Running load from the session logs (features for rules) and its weekly chart in history."""

from __future__ import annotations

import datetime as dt

from engine.app.history import build_days, summarise_weeks
from engine.contract.models import SessionLog
from engine.core.running_load import running_load
from engine.views.history import running_bars

TODAY = dt.date(2026, 11, 29)  # a Sunday: the last day of an ISO week


def _log(days_ago: int, kind: str, minutes: int | None, km: float | None = None) -> SessionLog:
    return SessionLog(
        date=TODAY - dt.timedelta(days=days_ago),
        kind=kind,  # type: ignore[arg-type]
        duration_min=minutes,
        distance_km=km,
    )


def test_seven_and_twenty_eight_day_windows() -> None:
    history = [
        _log(0, "easy_run", 40, 8.0),  # today counts
        _log(6, "quality_run", 50, 10.0),  # last day of the 7
        _log(7, "long_run", 120, 22.0),  # first day outside the 7
        _log(27, "easy_run", 30, 6.0),  # last day of the 28
        _log(28, "easy_run", 99, 99.0),  # outside both
        _log(2, "strength", 60),  # not running
        _log(3, "cross_training", 90, 30.0),  # not running
    ]
    load = running_load(history, TODAY)
    assert load["running_minutes_last_7_days"] == 90
    assert load["running_km_last_7_days"] == 18.0
    assert load["running_minutes_last_28_days"] == 240
    assert load["running_km_last_28_days"] == 46.0
    # 90 over the weekly mean of 240 (60): 1.5; 18 over 46/4 (11.5): 1.57
    assert load["running_minutes_acute_chronic"] == 1.5
    assert load["running_km_acute_chronic"] == 1.57


def test_no_running_gives_zeros_and_a_run_without_distance_adds_only_time() -> None:
    assert running_load([], TODAY)["running_minutes_acute_chronic"] == 0.0
    load = running_load([_log(1, "easy_run", 30)], TODAY)
    assert load["running_minutes_last_7_days"] == 30
    assert load["running_km_last_7_days"] == 0.0
    assert load["running_km_acute_chronic"] == 0.0


def test_a_later_session_is_not_counted() -> None:
    assert running_load([_log(-1, "easy_run", 30, 5.0)], TODAY)["running_minutes_last_28_days"] == 0


def test_rules_see_the_load(make_request, evaluator) -> None:
    request = make_request(
        checkin={"date": TODAY.isoformat()},
        history=[
            {"date": "2026-11-28", "kind": "long_run", "duration_min": 110, "distance_km": 20.0}
        ],
    )
    history = evaluator.facts(request).features()["history"]
    assert history["running_minutes_last_7_days"] == 110
    assert history["running_km_last_7_days"] == 20.0


def test_history_charts_weekly_running_beside_sessions() -> None:
    sessions = [
        _log(8, "long_run", 120, 22.0),
        _log(1, "easy_run", 40, 8.0),
        _log(0, "quality_run", 50, 10.0),
        _log(0, "strength", 45),
    ]
    days = build_days(TODAY - dt.timedelta(days=13), TODAY, [], sessions, [])
    weeks = summarise_weeks(days)
    assert [(week.running_min, week.running_km) for week in weeks] == [(120, 22.0), (90, 18.0)]
    assert weeks[-1].as_dict()["running_km"] == 18.0
    chart = running_bars(weeks).splitlines()
    assert chart[0].endswith(" 22.0") and chart[0].count("█") == 40
    assert chart[2].endswith(" 18.0") and chart[2].count("█") == round(18 / 22 * 40)
    assert chart[3].endswith(" 90")


def test_running_chart_without_running() -> None:
    days = build_days(TODAY - dt.timedelta(days=6), TODAY, [], [_log(0, "strength", 45)], [])
    chart = running_bars(summarise_weeks(days))
    assert "█" not in chart
    assert chart.splitlines()[0].endswith(" 0.0")
