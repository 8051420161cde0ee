"""What a coach can choose when amending, so nobody types an exercise id: for each exercise of
the session, the knowledge base's regressions and alternatives (by name), and its dose as
numbers to change."""

from __future__ import annotations

from dataclasses import dataclass

from engine.contract.models import Session
from engine.knowledge.base import KnowledgeBase


@dataclass(frozen=True)
class ExerciseChoice:
    id: str
    name: str
    sets: str  # as prescribed ("3", "2-3")
    reps: str  # as prescribed ("8", "6-8"); a new dose is typed as numbers
    load_kg: float | None
    # (id, name, "easier" or "instead"): the regressions first, then the alternatives.
    options: list[tuple[str, str, str]]


def amend_choices(session: Session, kb: KnowledgeBase) -> list[ExerciseChoice]:
    choices = []
    seen: set[str] = set()
    for block in session.blocks:
        for item in block.exercises:
            if item.id in seen:
                continue
            seen.add(item.id)
            exercise = kb.exercises.get(item.id)
            options: list[tuple[str, str, str]] = []
            if exercise is not None:
                for how, ids in (
                    ("easier", exercise.regressions),
                    ("instead", exercise.alternatives),
                ):
                    options += [
                        (other, kb.exercises[other].name, how)
                        for other in ids
                        if other in kb.exercises and other != item.id
                    ]
            choices.append(
                ExerciseChoice(
                    id=item.id,
                    name=item.name,
                    sets=_shown(item.sets),
                    reps=_shown(item.reps),
                    load_kg=item.load_kg,
                    options=options,
                )
            )
    return choices


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "-".join(str(part) for part in value)
    return "" if value is None else str(value)
