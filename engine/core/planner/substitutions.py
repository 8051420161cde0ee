"""An exercise ruled out today is replaced by its first allowed regression or alternative,
and what the substitute is done with."""

from __future__ import annotations

from engine.core.planner.constraints import Constraints
from engine.knowledge.base import KnowledgeBase
from engine.knowledge.schema import Dose, Exercise


def substitute(
    exercise: Exercise, constraints: Constraints, kb: KnowledgeBase
) -> tuple[Exercise | None, str | None]:
    """The exercise itself if allowed, else its first allowed regression or alternative, with
    the reason the exercise itself is ruled out."""
    reason = constraints.exercise_block_reason(exercise)
    if reason is None:
        return exercise, None
    for candidate_id in [*exercise.regressions, *exercise.alternatives]:
        candidate = kb.exercises.get(candidate_id)
        if candidate is not None and constraints.exercise_block_reason(candidate) is None:
            return candidate, reason
    return None, reason


def substitute_slot(
    original: Exercise, chosen: Exercise, dose: Dose | None, notes: list[str]
) -> tuple[Dose | None, list[str]]:
    """The dose and notes a substitute is done with. A regression is the same movement made
    easier, so it keeps the slot's notes, and its dose while counted the same way (the plan's
    volume stands). An alternative is a different drill: the slot's reps and cues say nothing
    about it, so it brings its own dose (when it has one) and none of the slot's notes."""
    if chosen.id in original.regressions:
        if chosen.dose is not None and (dose is None or measure(dose) != measure(chosen.dose)):
            return chosen.dose, list(notes)
        return dose, list(notes)
    return (chosen.dose or dose), []


def measure(dose: Dose) -> str | None:
    """How a dose is counted: reps, seconds or yards."""
    if dose.reps is not None:
        return "reps"
    if dose.duration_s is not None:
        return "seconds"
    if dose.distance_yd is not None:
        return "yards"
    return None
