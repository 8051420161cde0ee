"""An exercise ruled out today is replaced by its first allowed regression or alternative."""

from __future__ import annotations

from engine.core.planner.constraints import Constraints
from engine.knowledge.base import KnowledgeBase
from engine.knowledge.schema import Exercise


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
