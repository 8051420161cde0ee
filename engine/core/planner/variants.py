"""Which variant of a program the athlete does today."""

from __future__ import annotations

from collections.abc import Mapping

from engine.contract.models import AthleteProfile
from engine.knowledge.schema import Exercise, Program, ProgramVariant


def pick_variant(
    program: Program,
    requested: str,
    athlete: AthleteProfile,
    exercises: Mapping[str, Exercise],
) -> ProgramVariant:
    """The variant a proposal names, else the athlete's week of the program, else the first the
    athlete's equipment allows of: the one for their level, the default, the program's other
    general variants. With none equipped it is still the level's (or the default), so the
    session is dropped for the equipment it needs rather than silently changed."""
    ids = {variant.id: variant for variant in program.variants}
    if requested and requested in ids:
        return ids[requested]
    enrollment = next((item for item in athlete.programs if item.id == program.id), None)
    if enrollment is not None:
        for variant in program.variants:
            if variant.week == enrollment.week:
                return variant
    wanted_level = "beginner" if athlete.level == "beginner" else "experienced"
    candidates = [variant for variant in program.variants if variant.level == wanted_level]
    candidates.append(ids[program.default_variant])
    # Week and level variants are someone else's plan; the rest are the program's own stand-ins
    # (the floor trio for the half-kneeling trio).
    candidates += [v for v in program.variants if v.week is None and v.level is None]
    for variant in candidates:
        if equipped(variant, athlete, exercises):
            return variant
    return candidates[0]


def equipped(
    variant: ProgramVariant, athlete: AthleteProfile, exercises: Mapping[str, Exercise]
) -> bool:
    """Whether the athlete has what every main exercise of the variant needs."""
    return all(
        exercises[entry.exercise].usable_with(athlete.equipment)
        for block in variant.blocks
        if block.role == "main"
        for entry in block.exercises
    )
