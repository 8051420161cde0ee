"""Which variant of a program the athlete does today."""

from __future__ import annotations

from engine.contract.models import AthleteProfile
from engine.knowledge.schema import Program, ProgramVariant


def pick_variant(program: Program, requested: str, athlete: AthleteProfile) -> ProgramVariant:
    """The variant a proposal names, else the athlete's week of the program, else the one for
    the athlete's level, else the program's default."""
    ids = {variant.id: variant for variant in program.variants}
    if requested and requested in ids:
        return ids[requested]
    enrollment = next((item for item in athlete.programs if item.id == program.id), None)
    if enrollment is not None:
        for variant in program.variants:
            if variant.week == enrollment.week:
                return variant
    wanted_level = "beginner" if athlete.level == "beginner" else "experienced"
    for variant in program.variants:
        if variant.level == wanted_level:
            return variant
    return ids[program.default_variant]
