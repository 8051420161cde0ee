"""One athlete's recent history: a row per day, a summary per ISO week, and text charts.

:func:`athlete_history` reads the check-ins, session logs and stored recommendations from the
store; everything else here is a pure function of them (no I/O, no clock). The text and
terminal renderings of the rows live in :mod:`engine.views.history`.

The window is whole ISO weeks (Monday to Sunday), the last one cut at ``until``, so the week
summaries compare like with like.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.app.database import recommended_days_between
from engine.app.progress import Progress, progress
from engine.calendar.expand import runs_between
from engine.contract.models import CheckIn, PlannedRun, SessionLog
from engine.core.classification import SessionClassifier
from engine.core.evaluator import Evaluator
from engine.core.running_load import RUN_KINDS
from engine.storage import calendar as calendar_rows
from engine.storage.store import Store

# --- window ------------------------------------------------------------------------------------


def monday_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def history_window(until: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """First and last day shown: ``weeks`` ISO weeks ending with ``until``'s (cut at ``until``)."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    return monday_of(until) - dt.timedelta(weeks=weeks - 1), until


def iso_week_label(day: dt.date) -> str:
    """``2026-W47`` for any day of that ISO week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# --- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendedDay:
    """What the engine recommended on a day, and where the coach's review stands."""

    date: dt.date
    kind: str
    status: str


@dataclass(frozen=True)
class DayRow:
    """One day: the check-in's scores (None without a check-in), sessions done, the advice."""

    date: dt.date
    recovery_pct: int | None = None
    soreness: int | None = None
    life_stress: int | None = None
    sessions: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    hiit: int = 0
    strength: int = 0
    lower_body_strength: int = 0
    recommended: str | None = None
    status: str | None = None
    # Running done that day (easy, quality and long runs): moving minutes and kilometres.
    running_min: int = 0
    running_km: float = 0.0
    # The runs the athlete's calendar holds for the day (kinds), planned or cancelled since.
    calendar: tuple[str, ...] = ()

    @property
    def checked_in(self) -> bool:
        return self.recovery_pct is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "recovery_pct": self.recovery_pct,
            "soreness": self.soreness,
            "life_stress": self.life_stress,
            "sessions": list(self.sessions),
            "programs": list(self.programs),
            "hiit_sessions": self.hiit,
            "strength_sessions": self.strength,
            "lower_body_strength_sessions": self.lower_body_strength,
            "recommended": self.recommended,
            "recommendation_status": self.status,
            "running_minutes": self.running_min,
            "running_km": round(self.running_km, 2),
            "calendar": list(self.calendar),
        }


def _days(start: dt.date, until: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=offset) for offset in range((until - start).days + 1)]


def build_days(
    start: dt.date,
    until: dt.date,
    checkins: Iterable[CheckIn],
    sessions: Iterable[SessionLog],
    recommendations: Iterable[RecommendedDay],
    classifier: SessionClassifier | None = None,
    calendar_runs: Iterable[PlannedRun] = (),
) -> list[DayRow]:
    """A row for every day from ``start`` to ``until``; data outside that range is ignored.

    With two check-ins or recommendations on one day, the later one in the input wins.
    """
    classifier = classifier or SessionClassifier()
    by_checkin = {item.date: item for item in checkins}
    by_advice = {item.date: item for item in recommendations}
    done: dict[dt.date, list[SessionLog]] = {}
    for session in sessions:
        done.setdefault(session.date, []).append(session)
    planned: dict[dt.date, list[str]] = {}
    for run in calendar_runs:
        when = run.date.date() if isinstance(run.date, dt.datetime) else run.date
        planned.setdefault(when, []).append(run.kind)
    rows: list[DayRow] = []
    for day in _days(start, until):
        checkin = by_checkin.get(day)
        advice = by_advice.get(day)
        logs = done.get(day, [])
        rows.append(
            DayRow(
                date=day,
                recovery_pct=checkin.recovery_pct if checkin else None,
                soreness=checkin.soreness if checkin else None,
                life_stress=checkin.life_stress if checkin else None,
                sessions=tuple(log.kind for log in logs),
                programs=tuple(dict.fromkeys(log.program for log in logs if log.program)),
                hiit=sum(1 for log in logs if classifier.is_hiit(log)),
                strength=sum(1 for log in logs if classifier.is_strength(log)),
                lower_body_strength=sum(
                    1 for log in logs if classifier.is_lower_body_strength(log)
                ),
                recommended=advice.kind if advice else None,
                status=advice.status if advice else None,
                running_min=sum(log.duration_min or 0 for log in logs if log.kind in RUN_KINDS),
                running_km=sum(log.distance_km or 0.0 for log in logs if log.kind in RUN_KINDS),
                calendar=tuple(planned.get(day, [])),
            )
        )
    return rows


# --- weeks -------------------------------------------------------------------------------------


def _mean(values: Iterable[int | None]) -> float | None:
    known = [value for value in values if value is not None]
    return round(sum(known) / len(known), 1) if known else None


@dataclass(frozen=True)
class WeekSummary:
    """One ISO week of day rows: averages over the days checked in, and session counts."""

    label: str
    start: dt.date
    end: dt.date
    checkins: int
    avg_recovery: float | None
    avg_soreness: float | None
    avg_stress: float | None
    sessions: int
    hiit: int
    strength: int
    lower_body_strength: int
    running_min: int = 0
    running_km: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "week": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "checkins": self.checkins,
            "avg_recovery_pct": self.avg_recovery,
            "avg_soreness": self.avg_soreness,
            "avg_life_stress": self.avg_stress,
            "sessions": self.sessions,
            "hiit_sessions": self.hiit,
            "strength_sessions": self.strength,
            "lower_body_strength_sessions": self.lower_body_strength,
            "running_minutes": self.running_min,
            "running_km": round(self.running_km, 2),
        }


def summarise_week(days: Sequence[DayRow]) -> WeekSummary:
    """The summary of day rows that all fall in one ISO week."""
    if not days:
        raise ValueError("a week needs at least one day")
    labels = {iso_week_label(day.date) for day in days}
    if len(labels) != 1:
        raise ValueError(f"days span several ISO weeks: {sorted(labels)}")
    return WeekSummary(
        label=labels.pop(),
        start=min(day.date for day in days),
        end=max(day.date for day in days),
        checkins=sum(1 for day in days if day.checked_in),
        avg_recovery=_mean(day.recovery_pct for day in days),
        avg_soreness=_mean(day.soreness for day in days),
        avg_stress=_mean(day.life_stress for day in days),
        sessions=sum(len(day.sessions) for day in days),
        hiit=sum(day.hiit for day in days),
        strength=sum(day.strength for day in days),
        lower_body_strength=sum(day.lower_body_strength for day in days),
        running_min=sum(day.running_min for day in days),
        running_km=sum(day.running_km for day in days),
    )


def summarise_weeks(days: Sequence[DayRow]) -> list[WeekSummary]:
    """One summary per ISO week the day rows touch, oldest first."""
    groups: dict[str, list[DayRow]] = {}
    for day in sorted(days, key=lambda row: row.date):
        groups.setdefault(iso_week_label(day.date), []).append(day)
    return [summarise_week(group) for group in groups.values()]


def history_json(
    athlete_id: str, days: Sequence[DayRow], weeks: Sequence[WeekSummary]
) -> dict[str, Any]:
    """The day rows and week summaries as JSON-ready data."""
    return {
        "athlete": athlete_id,
        "from": days[0].date.isoformat() if days else None,
        "until": days[-1].date.isoformat() if days else None,
        "days": [day.as_dict() for day in days],
        "weeks": [week.as_dict() for week in weeks],
    }


@dataclass(frozen=True)
class HistoryView:
    """An athlete's last weeks: a row per day, a summary per ISO week, and the progress of the
    main lifts and ladders week by week."""

    athlete_id: str
    days: list[DayRow]
    weeks: list[WeekSummary]
    progress: Progress | None = None

    def as_json(self) -> dict[str, Any]:
        data = history_json(self.athlete_id, self.days, self.weeks)
        if self.progress is not None:
            data["progress"] = self.progress.as_dict()
        return data


def athlete_history(
    store: Store, evaluator: Evaluator, athlete_id: str, until: dt.date, weeks: int
) -> HistoryView:
    """The ``weeks`` ISO weeks up to ``until`` of one athlete (who must exist)."""
    start, last = history_window(until, weeks)
    athlete = store.get_athlete(athlete_id)
    checkins = store.checkins(athlete_id, since=start, until=last)
    settings = evaluator.ruleset.engine_settings
    # The estimates at the first week's end read sets from before the window too.
    reach = dt.timedelta(days=settings.load.estimate_window_days)
    earlier = store.sessions(athlete_id, since=start - reach, until=last)
    sessions = [session for session in earlier if session.date >= start]
    # Read from SQL without loading whole recommendations: a year of history stays small.
    advice = recommended_days_between(store, athlete_id, start, last)
    classifier = SessionClassifier.from_kb(evaluator.kb, evaluator.ruleset.engine_settings)
    runs = runs_between(calendar_rows.entries(store, athlete_id), start, last)
    days = build_days(start, last, checkins, sessions, advice, classifier, runs)
    summaries = summarise_weeks(days)
    lifts = progress(
        athlete,
        earlier,
        [(week.label, week.start, week.end) for week in summaries],
        evaluator.kb,
        settings,
    )
    return HistoryView(athlete_id, days, summaries, lifts)
