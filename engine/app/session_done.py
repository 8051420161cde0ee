"""A recommended session as the athlete would log it: one conversion, used by
``log --as-recommended`` and by the week plan's projection of days not yet lived."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from engine.contract.models import ExerciseLog, IntOrRange, Session, SessionLog

# Blocks whose exercises count as training done; warm-ups and cool-downs are not logged, as a
# person logging by hand would not list them either.
LOGGED_ROLES = frozenset({"main", "accessory", "conditioning"})


def _low(value: IntOrRange | None) -> int | None:
    # A prescribed range is logged at its low end: the dose the athlete certainly did.
    if value is None:
        return None
    return int(value[0]) if isinstance(value, list) else int(value)


def session_as_log(
    session: Session,
    day: dt.date,
    rating: bool | None,
    hard: frozenset[str] = frozenset(),
    posture_lost: frozenset[str] = frozenset(),
    skipped: frozenset[str] = frozenset(),
    doses: Mapping[str, ExerciseLog] | None = None,
) -> SessionLog:
    """The session as done.

    ``rating`` is what an exercise not corrected says about posture and ease: ``True`` when the
    athlete confirms it went as prescribed, ``None`` for a projection (an unrated log never
    opens a ladder gate, so a projected week cannot advance anyone).
    """
    doses = doses or {}
    exercises: list[ExerciseLog] = []
    for block in session.blocks:
        if block.role not in LOGGED_ROLES:
            continue
        for item in block.exercises:
            if item.id in skipped or any(done.id == item.id for done in exercises):
                continue
            if item.id in doses:
                base = doses[item.id]
            else:
                base = ExerciseLog(
                    id=item.id,
                    sets=max(1, _low(item.sets) or 1) * block.rounds,
                    reps=_low(item.reps) or 0,
                    load_kg=item.load_kg,
                )
            posture = False if item.id in posture_lost else rating
            easy = False if item.id in hard else rating
            exercises.append(base.model_copy(update={"posture_held": posture, "felt_easy": easy}))
    return SessionLog(
        date=day,
        kind=session.kind,
        program=session.program,
        variant=session.variant,
        exercises=exercises,
    )
