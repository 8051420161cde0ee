"""The athlete's 1RM per exercise: the one they (or their coach) entered, or one estimated from
the sets they logged, whichever is newer.

The estimate is Epley's formula with the reps the athlete had left in reserve counted as done
(``load.epley_reps_divisor`` and the ``load.reps_in_reserve_*`` settings, whose sources cite the
formula); a set nobody rated is taken as done to failure, so an unknown effort never inflates a
load. Sets with lost posture are no evidence of strength and are left out. Pure: request in,
numbers out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from engine.contract.formatting import fmt_value
from engine.contract.models import AthleteProfile, ExerciseLog, SessionLog
from engine.knowledge.base import KnowledgeBase
from engine.rulebook.engine_settings import EngineSettings


@dataclass(frozen=True)
class LoggedSet:
    """One logged exercise of one session: ``sets`` x ``reps`` @ ``load_kg`` on ``day``."""

    day: dt.date
    sets: int
    reps: int
    load_kg: float

    def text(self) -> str:
        return f"{self.sets} x {self.reps} @ {fmt_value(self.load_kg)} kg on {self.day:%m-%d}"


@dataclass(frozen=True)
class OneRepMax:
    kg: float
    source: Literal["entered", "estimated"]
    # When it was entered, or the set it was estimated from.
    on: dt.date | None = None
    from_set: LoggedSet | None = None

    def basis(self) -> str:
        """Where the number came from, in the athlete's words."""
        if self.source == "estimated" and self.from_set is not None:
            return (
                f"your 1RM estimated at {fmt_value(round(self.kg, 1))} kg from "
                f"{self.from_set.text()}"
            )
        when = f" on {self.on:%m-%d}" if self.on else ""
        return f"the {fmt_value(self.kg)} kg 1RM entered{when}"


def reps_in_reserve(item: ExerciseLog, settings: EngineSettings) -> int:
    if item.felt_easy is True:
        return settings.load.reps_in_reserve_easy
    if item.felt_easy is False:
        return settings.load.reps_in_reserve_hard
    return settings.load.reps_in_reserve_unrated


def estimate(item: ExerciseLog, settings: EngineSettings) -> float | None:
    """The 1RM one logged exercise implies, or None (no load, or posture lost)."""
    if not item.load_kg or item.posture_held is False or item.reps < 1:
        return None
    divisor = float(settings.load.epley_reps_divisor)
    return item.load_kg * (1 + (item.reps + reps_in_reserve(item, settings)) / divisor)


def exercise_logs(history: Iterable[SessionLog]) -> dict[str, list[tuple[SessionLog, ExerciseLog]]]:
    """Every logged instance of each exercise with its session, oldest first: the history
    indexed once, for the features that ask it of every exercise and ladder."""
    found: dict[str, list[tuple[SessionLog, ExerciseLog]]] = {}
    for session in sorted(history, key=lambda log: log.date):
        for item in session.exercises:
            found.setdefault(item.id, []).append((session, item))
    return found


def logged_sets(
    history: Iterable[SessionLog], exercise_id: str
) -> list[tuple[LoggedSet, ExerciseLog]]:
    """Every logged instance of the exercise with a load, oldest first."""
    found = []
    for session in sorted(history, key=lambda log: log.date):
        for item in session.exercises:
            if item.id == exercise_id and item.load_kg:
                found.append(
                    (LoggedSet(session.date, int(item.sets), int(item.reps), item.load_kg), item)
                )
    return found


def one_rep_maxes(
    athlete: AthleteProfile,
    history: Iterable[SessionLog],
    today: dt.date,
    settings: EngineSettings,
    kb: KnowledgeBase,
) -> dict[str, OneRepMax]:
    """The 1RM per exercise: the best estimate from the recent window's logged sets, unless the
    athlete entered one on or after the day of that set (an undated entry counts as older than
    any logged set). Exercises with no practical 1RM (carries, swings) get none: a one-rep
    carry is no evidence of a maximum."""
    window = settings.load.estimate_window_days
    recent = [log for log in history if 0 <= (today - log.date).days < window]
    best: dict[str, OneRepMax] = {}
    for session in sorted(recent, key=lambda log: log.date):
        for item in session.exercises:
            known = kb.exercises.get(item.id)
            if known is None or not known.practical_one_rep_max:
                continue
            kg = estimate(item, settings)
            if kg is None:
                continue
            so_far = best.get(item.id)
            if so_far is None or kg > so_far.kg:
                logged = LoggedSet(session.date, int(item.sets), int(item.reps), item.load_kg or 0)
                best[item.id] = OneRepMax(kg, "estimated", session.date, logged)
    dates = athlete.one_rep_max_on or {}
    for exercise_id, kg in (athlete.one_rep_max_kg or {}).items():
        entered = OneRepMax(float(kg), "entered", dates.get(exercise_id))
        estimated = best.get(exercise_id)
        if estimated is None or (
            entered.on is not None and estimated.on is not None and entered.on >= estimated.on
        ):
            best[exercise_id] = entered
    return best
