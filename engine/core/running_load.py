"""Running load from the logged runs: minutes and kilometres over the last 7 and 28 days and
their acute:chronic ratios, as history facts the rules can read (no rule acts on them yet)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypedDict

from engine.contract.models import SessionLog

RUN_KINDS = frozenset({"easy_run", "quality_run", "long_run"})
ACUTE_DAYS = 7
CHRONIC_DAYS = 28


def _ratio(acute: float, chronic_total: float) -> float:
    """Acute load over the weekly mean of the chronic window; 0 when there is no chronic load."""
    weekly_mean = chronic_total / (CHRONIC_DAYS / ACUTE_DAYS)
    return round(acute / weekly_mean, 2) if weekly_mean > 0 else 0.0


class RunningLoad(TypedDict):
    running_minutes_last_7_days: int
    running_minutes_last_28_days: int
    running_km_last_7_days: float
    running_km_last_28_days: float
    running_minutes_acute_chronic: float
    running_km_acute_chronic: float


def running_load(history: Iterable[SessionLog], today: dt.date) -> RunningLoad:
    """Minutes and kilometres run in the last 7 and 28 days (today included) and their
    acute:chronic ratios (knowledge_base/defaults.yaml: default_running_load). A run logged
    without a duration or distance adds nothing to that measure."""
    minutes = {ACUTE_DAYS: 0, CHRONIC_DAYS: 0}
    km = {ACUTE_DAYS: 0.0, CHRONIC_DAYS: 0.0}
    for session in history:
        age = (today - session.date).days
        if session.kind not in RUN_KINDS or age < 0:
            continue
        for days in (ACUTE_DAYS, CHRONIC_DAYS):
            if age < days:
                minutes[days] += session.duration_min or 0
                km[days] += session.distance_km or 0.0
    return {
        "running_minutes_last_7_days": minutes[ACUTE_DAYS],
        "running_minutes_last_28_days": minutes[CHRONIC_DAYS],
        "running_km_last_7_days": round(km[ACUTE_DAYS], 2),
        "running_km_last_28_days": round(km[CHRONIC_DAYS], 2),
        "running_minutes_acute_chronic": _ratio(minutes[ACUTE_DAYS], minutes[CHRONIC_DAYS]),
        "running_km_acute_chronic": _ratio(km[ACUTE_DAYS], km[CHRONIC_DAYS]),
    }
