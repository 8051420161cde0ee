"""A recommended session as the athlete would log it: one conversion, used by
``log --as-recommended``, the phone's "Done" and the week plan's projection of days not yet
lived.

Work logged this way is the prescription, unrated (posture and ease not answered), unless the
athlete says how each exercise went: only rated work is evidence for a ladder gate or a load
step, so "as recommended" never claims an answer the athlete did not give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from engine.contract.models import (
    ExerciseLog,
    PrescribedExercise,
    Session,
    SessionBlock,
    SessionLog,
)
from engine.core.doses import low_end, total_sets

# Blocks whose exercises count as training done; warm-ups and cool-downs are not logged, as a
# person logging by hand would not list them either.
LOGGED_ROLES = frozenset({"main", "accessory", "conditioning"})
SECONDS_PER_MINUTE = 60


def logged_blocks(session: Session) -> list[SessionBlock]:
    return [block for block in session.blocks if block.role in LOGGED_ROLES]


def _timed(item: PrescribedExercise) -> bool:
    return item.reps is None and item.duration_s is not None


def prescribed_log(item: PrescribedExercise, rounds: int) -> ExerciseLog:
    """One exercise as prescribed, unrated: its sets over all the block's rounds, the low end
    of a range (the dose the athlete certainly did), and seconds for timed work."""
    timed = _timed(item)
    return ExerciseLog(
        id=item.id,
        sets=total_sets(item.sets, rounds),
        # Timed work has no count: 0 reps with its seconds, shown "8 x 30 s".
        reps=0 if timed else low_end(item.reps) or 0,
        duration_s=low_end(item.duration_s) if timed else None,
        load_kg=item.load_kg,
    )


def _block_seconds(block: SessionBlock) -> int | None:
    """The prescribed time of a block of timed work (work and the rests between), or None
    when any exercise is counted in reps (its time is not prescribed)."""
    if not block.exercises or not all(_timed(item) for item in block.exercises):
        return None
    work = sum(
        total_sets(item.sets, 1) * (low_end(item.duration_s) or 0) for item in block.exercises
    )
    between_exercises = (len(block.exercises) - 1) * (low_end(block.rest_between_exercises_s) or 0)
    between_rounds = (block.rounds - 1) * (low_end(block.rest_between_rounds_s) or 0)
    return block.rounds * (work + between_exercises) + between_rounds


def prescribed_minutes(session: Session) -> int | None:
    """Minutes of the logged blocks when all of them are timed (HIIT intervals); None when
    the prescription does not fix the time."""
    blocks = logged_blocks(session)
    seconds = [_block_seconds(block) for block in blocks]
    if not blocks or any(value is None for value in seconds):
        return None
    total = sum(value for value in seconds if value is not None)
    return max(1, round(total / SECONDS_PER_MINUTE))


def session_as_log(
    session: Session,
    day: dt.date,
    actuals: Mapping[str, Mapping[str, Any]] | None = None,
    skipped: frozenset[str] = frozenset(),
) -> SessionLog:
    """The session as done: each logged exercise as prescribed and unrated, with the fields
    of ``actuals`` (per exercise id: sets, reps, load_kg, posture_held, felt_easy ...) over
    it, and without the ``skipped`` ones. The result is not validated against the knowledge
    base; the caller does that with the fields it adds."""
    actuals = actuals or {}
    exercises: list[ExerciseLog] = []
    for block in logged_blocks(session):
        for item in block.exercises:
            if item.id in skipped or any(done.id == item.id for done in exercises):
                continue
            base = prescribed_log(item, block.rounds)
            update = dict(actuals.get(item.id, {}))
            if "reps" in update and "duration_s" not in update:
                update["duration_s"] = None  # a count replaces the prescribed seconds
            exercises.append(base.model_copy(update=update))
    return SessionLog(
        date=day,
        kind=session.kind,
        program=session.program,
        variant=session.variant,
        exercises=exercises,
        duration_min=prescribed_minutes(session),
    )
