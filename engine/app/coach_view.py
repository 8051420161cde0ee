"""An athlete's recent history as the coach's web page reads it (one recommendation in full is
:class:`engine.app.review_view.ReviewDetail`, shared with the CLI)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.app.history import DayRow, WeekSummary, athlete_history, history_window
from engine.app.progress import Progress
from engine.contract.models import AthleteProfile
from engine.core.evaluator import Evaluator
from engine.storage.store import Store


@dataclass(frozen=True)
class AthleteHistory:
    profile: AthleteProfile
    start: dt.date
    until: dt.date
    days: list[DayRow]
    weeks: list[WeekSummary]
    progress: Progress | None = None


def coach_history(
    store: Store, evaluator: Evaluator, athlete_id: str, until: dt.date, weeks: int
) -> AthleteHistory:
    """The athlete's profile and the rows of ``runstrong history`` (one implementation:
    :func:`engine.app.history.athlete_history`, which reads recommended days from SQL)."""
    profile = store.get_athlete(athlete_id)
    view = athlete_history(store, evaluator, athlete_id, until, weeks)
    start, last = history_window(until, weeks)
    return AthleteHistory(profile, start, last, view.days, view.weeks, view.progress)
