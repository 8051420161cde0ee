"""Dated runs from a calendar's entries: pure functions, no clock."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from engine.contract.calendar import WEEKDAYS, CalendarEntry
from engine.contract.models import PlannedRun
from engine.rulebook.engine_settings import EngineSettings

# The days after a Monday that are still in its ISO week (calendar arithmetic, not coaching).
REST_OF_WEEK_DAYS = 6


def run_gap_days(settings: EngineSettings) -> int:
    """How far ahead the scheduling rules look for runs: the quality-run gap
    (``schedule.quality_gap_hours``) in whole days, plus today."""
    return math.ceil(float(settings.schedule.quality_gap_hours) / 24) + 1


def week_lookahead_days(settings: EngineSettings) -> int:
    """How far ahead a check-in reads the athlete's plan: the strength days planned for the
    rest of the week, which make up a program's weekly minimum (so a program is not pulled
    forward onto an easy day and then done again), and the runs within the quality-run gap
    after the last of them (which decide whether that day can take lower-body work)."""
    return REST_OF_WEEK_DAYS + run_gap_days(settings) - 1


def _when(day: dt.date, at: dt.time | None) -> dt.date | dt.datetime:
    return dt.datetime.combine(day, at) if at is not None else day


def runs_between(
    entries: Iterable[CalendarEntry], start: dt.date, end: dt.date
) -> list[PlannedRun]:
    """Every run from ``start`` to ``end`` inclusive, in time order.

    A skipped day cancels every run of that day, weekly or one-off: "no run on the 12th" is
    what a runner means when they cancel, whichever entry put it there.
    """
    items = list(entries)
    skipped = {entry.date for entry in items if entry.rule == "skip"}
    runs: list[tuple[dt.date, dt.time, PlannedRun]] = []
    day = start
    while day <= end:
        if day not in skipped:
            weekday = WEEKDAYS[day.weekday()]
            for entry in items:
                matches = (entry.rule == "weekly" and entry.weekday == weekday) or (
                    entry.rule == "once" and entry.date == day
                )
                if matches and entry.kind is not None:
                    run = PlannedRun(date=_when(day, entry.at), kind=entry.kind)
                    runs.append((day, entry.at or dt.time.min, run))
        day += dt.timedelta(days=1)
    runs.sort(key=lambda item: (item[0], item[1], item[2].kind))
    unique: list[PlannedRun] = []
    for _, _, run in runs:
        if run not in unique:  # a weekly and a one-off entry for the same run
            unique.append(run)
    return unique


def kind_on(entries: Iterable[CalendarEntry], day: dt.date) -> str | None:
    """The day's planned kind from the calendar: its first run, or None."""
    runs = runs_between(entries, day, day)
    return runs[0].kind if runs else None
