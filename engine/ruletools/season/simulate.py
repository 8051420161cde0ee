"""Run a sequence of days through the engine, the athlete doing what was recommended.

Each day the athlete checks in (the day's answers), the engine recommends a session, and the
athlete logs it as done, rating every exercise as the day's script says (posture held, felt
easy, ready to progress). Ladder decisions take effect as a coach who approves them would make
them: an advance or a regression moves the athlete's stage from that day on. Runs and strength
days the athlete has planned for the coming days are the request's ``upcoming``, as far ahead
as a check-in reads the calendar, so the 48-hour spacing and the weekly minimums see them as
they would in life.

Pure: no storage, no I/O; the same script gives the same season.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.calendar.expand import week_lookahead_days
from engine.contract.models import (
    EvaluationRequest,
    ExerciseLog,
    PlannedRun,
    PrescribedExercise,
    Recommendation,
    SessionLog,
)
from engine.core.doses import low_end, total_sets
from engine.core.evaluator import Evaluator

# How much history each request carries (enough for every window the features use: 21 days
# for ladders, weeks for programs).
HISTORY_DAYS = 56
# The planned days a request carries ahead: the runs the 48-hour spacing sees, and the strength
# days that make up a program's weekly minimum later in the week.
UPCOMING_KINDS = frozenset({"quality_run", "long_run", "strength"})


@dataclass(frozen=True)
class Rating:
    """How the athlete rates an exercise they did: None means they did not say."""

    posture_held: bool | None = None
    felt_easy: bool | None = None
    ready_to_progress: bool | None = None
    # What the athlete did where it differs from the card: the reps of each set (default: the
    # bottom of the prescribed range), and the load they chose when the card gave none.
    reps: int | None = None
    load_kg: float | None = None


@dataclass(frozen=True)
class DayScript:
    """One day of a season: the check-in answers (without the date) and how it goes."""

    checkin: Mapping[str, Any]
    rating: Rating = Rating()
    # Per-exercise ratings that override ``rating`` (the lunge felt hard, the rest was easy).
    exercises: Mapping[str, Rating] = field(default_factory=dict)
    # HIIT recovery answers logged with a HIIT session (None: not asked).
    hiit_recovered: bool | None = None


@dataclass(frozen=True)
class SeasonDay:
    number: int  # 1-based
    request: EvaluationRequest
    recommendation: Recommendation
    logged: SessionLog | None


def _log_exercise(item: PrescribedExercise, rounds: int, rating: Rating) -> ExerciseLog:
    return ExerciseLog(
        id=item.id,
        # A card's sets are per round; a log holds the session's total (one definition of a
        # dose, engine.core.doses).
        sets=total_sets(item.sets, rounds),
        reps=rating.reps if rating.reps is not None else max(0, low_end(item.reps) or 0),
        load_kg=item.load_kg if item.load_kg is not None else rating.load_kg,
        posture_held=rating.posture_held,
        felt_easy=rating.felt_easy,
        ready_to_progress=rating.ready_to_progress,
    )


def session_log(recommendation: Recommendation, script: DayScript) -> SessionLog | None:
    """The session the athlete logs after doing what was recommended (None on a rest day)."""
    session = recommendation.session
    if session.kind == "rest":
        return None
    exercises = [
        _log_exercise(item, block.rounds, script.exercises.get(item.id, script.rating))
        for block in session.blocks
        for item in block.exercises
    ]
    hiit = session.kind == "hiit"
    return SessionLog(
        date=recommendation.date,
        kind=session.kind,
        program=session.program,
        variant=session.variant,
        exercises=exercises,
        hr_back_to_normal=script.hiit_recovered if hiit else None,
        slept_well_after=script.hiit_recovered if hiit else None,
        recovered_between_intervals=script.hiit_recovered if hiit else None,
    )


def _upcoming(
    start: dt.date, index: int, scripts: Sequence[DayScript], lookahead: int
) -> list[PlannedRun]:
    """The planned days ahead, as far as a check-in reads the calendar."""
    runs = []
    for ahead in range(1, lookahead + 1):
        if index + ahead >= len(scripts):
            break
        planned = scripts[index + ahead].checkin.get("planned")
        if planned in UPCOMING_KINDS:
            runs.append(PlannedRun(date=start + dt.timedelta(days=index + ahead), kind=planned))
    return runs


def _apply_progressions(athlete: dict[str, Any], recommendation: Recommendation) -> None:
    for decision in recommendation.progressions:
        if decision.action in {"advance", "regress"} and decision.to != decision.from_:
            position = athlete["ladders"].get(decision.ladder)
            if position is not None:
                position.update(stage=decision.to, since=recommendation.date)
                position.pop("assistance", None)


def simulate(
    evaluator: Evaluator,
    athlete: Mapping[str, Any],
    start: dt.date,
    scripts: Sequence[DayScript],
    history: Sequence[SessionLog] = (),
) -> list[SeasonDay]:
    """Evaluate each scripted day in turn; the logged sessions become the next days' history."""
    state: dict[str, Any] = {
        **dict(athlete),
        "ladders": {key: dict(value) for key, value in dict(athlete.get("ladders", {})).items()},
    }
    logs = list(history)
    days: list[SeasonDay] = []
    lookahead = week_lookahead_days(evaluator.ruleset.engine_settings)
    for index, script in enumerate(scripts):
        today = start + dt.timedelta(days=index)
        recent = [log for log in logs if (today - log.date).days < HISTORY_DAYS]
        request = EvaluationRequest.model_validate(
            {
                "athlete": state,
                "checkin": {**dict(script.checkin), "date": today},
                "history": [log.model_dump() for log in recent],
                "upcoming": [
                    run.model_dump() for run in _upcoming(start, index, scripts, lookahead)
                ],
            },
            context={"kb": evaluator.kb},
        )
        recommendation = evaluator.evaluate(request)
        logged = session_log(recommendation, script)
        if logged is not None:
            logs.append(logged)
        _apply_progressions(state, recommendation)
        days.append(SeasonDay(index + 1, request, recommendation, logged))
    return days
