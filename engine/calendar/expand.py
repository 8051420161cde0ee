"""Dated runs from a calendar's entries: pure functions, no clock."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from engine.contract.calendar import WEEKDAYS, CalendarEntry
from engine.contract.models import PlannedRun

if TYPE_CHECKING:  # the review queue reads the gap from its cached settings, not this class
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


def _run_key(run: PlannedRun | dict[str, Any]) -> tuple[str, str]:
    data = run.model_dump(mode="json") if isinstance(run, PlannedRun) else run
    return str(data.get("date")), str(data.get("kind"))


def runs_moved(
    entries: list[CalendarEntry],
    gap_days: int,
    day: dt.date,
    evaluated_with: list[Any],
) -> list[str]:
    """How the calendar's runs around ``day`` now differ from those the recommendation was
    evaluated with (a moved long run): empty when they agree or the athlete keeps no calendar.
    The entries are read by the caller: the review queue reads a page's at once; ``gap_days``
    is :func:`run_gap_days` of the engine's settings."""
    if not entries:
        return []
    # Only the runs the scheduling rules read: a strength day moved later in the week does not
    # make an approved recommendation stale.
    end = day + dt.timedelta(days=gap_days)
    now = {_run_key(run) for run in runs_between(entries, day, end) if run.kind != "strength"}
    then = {
        key
        for key in map(_run_key, evaluated_with)
        if key[1] != "strength" and key[0][:10] <= end.isoformat()
    }
    changes = [f"{kind} {when} added" for when, kind in sorted(now - then)]
    changes += [f"{kind} {when} gone" for when, kind in sorted(then - now)]
    return changes
