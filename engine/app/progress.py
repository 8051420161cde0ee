"""Progress the athlete can see: each main lift's estimated 1RM and heaviest logged load per
ISO week, beside the ladder stages practised that week.

Main lifts are the loaded exercises with a practical 1RM that the athlete logged with a weight;
the estimate is the engine's own (:mod:`engine.core.strength`), read at the end of each week
from the sets logged up to then, so the history shows the number the card's kilograms came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.contract.models import AthleteProfile, SessionLog
from engine.core.strength import one_rep_maxes
from engine.knowledge.base import KnowledgeBase
from engine.rulebook.engine_settings import EngineSettings


@dataclass(frozen=True)
class LiftWeek:
    week: str
    estimated_1rm_kg: float | None
    heaviest_kg: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "estimated_1rm_kg": self.estimated_1rm_kg,
            "heaviest_kg": self.heaviest_kg,
        }


@dataclass(frozen=True)
class LiftProgress:
    exercise: str
    name: str
    weeks: list[LiftWeek]

    def as_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "name": self.name,
            "weeks": [week.as_dict() for week in self.weeks],
        }


@dataclass(frozen=True)
class LadderWeek:
    week: str
    # The names of the ladder's stages practised that week (empty: not practised).
    stages: list[str]


@dataclass(frozen=True)
class LadderProgress:
    ladder: str
    name: str
    weeks: list[LadderWeek]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ladder": self.ladder,
            "name": self.name,
            "weeks": [{"week": week.week, "stages": week.stages} for week in self.weeks],
        }


@dataclass(frozen=True)
class Progress:
    lifts: list[LiftProgress]
    ladders: list[LadderProgress]

    def as_dict(self) -> dict[str, Any]:
        return {
            "lifts": [lift.as_dict() for lift in self.lifts],
            "ladders": [ladder.as_dict() for ladder in self.ladders],
        }


def _main_lifts(sessions: Sequence[SessionLog], kb: KnowledgeBase) -> list[str]:
    found = {
        item.id
        for session in sessions
        for item in session.exercises
        if item.load_kg
        and (known := kb.exercises.get(item.id)) is not None
        and known.load == "external"
        and known.practical_one_rep_max
    }
    return sorted(found)


def progress(
    athlete: AthleteProfile,
    sessions: Sequence[SessionLog],
    weeks: Sequence[tuple[str, dt.date, dt.date]],
    kb: KnowledgeBase,
    settings: EngineSettings,
) -> Progress:
    """Per ISO week (label, first day, last day): each main lift's estimate at the week's end and
    its heaviest logged load that week, and each ladder's stages practised. ``sessions`` must
    reach back far enough for the estimate's window before the first week."""
    lifts = []
    first = weeks[0][1] if weeks else None
    in_window = [s for s in sessions if first is not None and s.date >= first]
    main_lifts = _main_lifts(in_window, kb)
    # Each week's estimates once, for every lift (and not at all without a lift to chart).
    maxes_by_week = {
        label: one_rep_maxes(athlete, [s for s in sessions if s.date <= end], end, settings, kb)
        for label, _, end in (weeks if main_lifts else [])
    }
    for exercise_id in main_lifts:
        rows = []
        for label, start, end in weeks:
            maxes = maxes_by_week[label]
            loads = [
                item.load_kg
                for session in sessions
                if start <= session.date <= end
                for item in session.exercises
                if item.id == exercise_id and item.load_kg
            ]
            estimate = maxes.get(exercise_id)
            rows.append(
                LiftWeek(
                    label,
                    round(estimate.kg, 1) if estimate else None,
                    max(loads) if loads else None,
                )
            )
        lifts.append(LiftProgress(exercise_id, kb.exercises[exercise_id].name, rows))
    ladders = []
    for ladder_id in sorted(athlete.ladders):
        ladder = kb.ladders.get(ladder_id)
        if ladder is None:
            continue
        stages = set(ladder.stage_exercises())
        rows_l = [
            LadderWeek(
                label,
                sorted(
                    {
                        kb.exercises[item.id].name
                        for session in sessions
                        if start <= session.date <= end
                        for item in session.exercises
                        if item.id in stages
                    }
                ),
            )
            for label, start, end in weeks
        ]
        ladders.append(LadderProgress(ladder_id, ladder.name, rows_l))
    return Progress(lifts, ladders)
