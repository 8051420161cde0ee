"""Turn a % of 1RM into kilograms the athlete can actually load.

Loads are rounded *down* to the nearest kettlebell or dumbbell the athlete owns, or to the
barbell's plate increment, so a prescription never exceeds the stated percentage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.contract.models import AthleteProfile
from engine.knowledge.schema import Exercise


@dataclass(frozen=True)
class LoadChoice:
    kg: float | None
    note: str | None = None


def _implement(exercise: Exercise, athlete: AthleteProfile) -> str | None:
    owned = set(athlete.equipment)
    for option in exercise.equipment:
        if set(option) <= owned:
            for item in option:
                if item.startswith(("kettlebell", "dumbbell", "barbell")):
                    return item.split("_")[0]
    return None


def _round_down(values: list[float], target: float) -> float | None:
    fitting = [value for value in values if value <= target + 1e-9]
    return max(fitting) if fitting else None


def load_for(
    exercise: Exercise, pct: float, one_rep_max: float, athlete: AthleteProfile
) -> LoadChoice:
    """The load for ``pct`` % of ``one_rep_max`` on this exercise, rounded down to what the
    athlete can put together."""
    target = one_rep_max * pct / 100
    implement = _implement(exercise, athlete)
    if implement == "kettlebell" and athlete.kettlebells_kg:
        kg = _round_down(list(athlete.kettlebells_kg), target)
    elif implement == "dumbbell" and athlete.dumbbells_kg:
        kg = _round_down(list(athlete.dumbbells_kg), target)
    else:
        step = athlete.plate_increment_kg
        kg = math.floor(target / step + 1e-9) * step
    if kg is None or kg <= 0:
        return LoadChoice(
            None, f"{target:.1f} kg target is below the lightest {implement or 'load'} available"
        )
    return LoadChoice(round(kg, 2))


def load_steps(
    exercise: Exercise, kg: float, athlete: AthleteProfile, lightest_bar_kg: float
) -> tuple[float | None, float | None]:
    """The next lighter and the next heavier load the athlete can put together around ``kg``:
    their bell or dumbbell sizes, or the barbell's plate increment (never below the lightest
    bar). None where there is no such load."""
    implement = _implement(exercise, athlete)
    sizes: list[float] | None = None
    if implement == "kettlebell" and athlete.kettlebells_kg:
        sizes = sorted(float(size) for size in athlete.kettlebells_kg)
    elif implement == "dumbbell" and athlete.dumbbells_kg:
        sizes = sorted(float(size) for size in athlete.dumbbells_kg)
    if sizes is not None:
        lighter = [size for size in sizes if size < kg - 1e-9]
        heavier = [size for size in sizes if size > kg + 1e-9]
        return (lighter[-1] if lighter else None, heavier[0] if heavier else None)
    step = athlete.plate_increment_kg
    down = round(kg - step, 2)
    return (down if down >= lightest_bar_kg - 1e-9 else None, round(kg + step, 2))


def owned_load(exercise: Exercise, kg: float, athlete: AthleteProfile) -> LoadChoice:
    """``kg`` as a load the athlete can put together: the heaviest bell or dumbbell they own
    at or below it, or the barbell's plate increment below it. None, with the sizes they have,
    when nothing fits (lighter than the lightest)."""
    implement = _implement(exercise, athlete)
    if implement == "kettlebell" and athlete.kettlebells_kg:
        sizes = sorted(athlete.kettlebells_kg)
    elif implement == "dumbbell" and athlete.dumbbells_kg:
        sizes = sorted(athlete.dumbbells_kg)
    else:
        step = athlete.plate_increment_kg
        rounded = math.floor(kg / step + 1e-9) * step
        if rounded <= 0:
            return LoadChoice(None, f"{kg:g} kg is below the {step:g} kg plate increment")
        return LoadChoice(round(rounded, 2))
    fitting = _round_down([float(size) for size in sizes], kg)
    shown = ", ".join(f"{size:g}" for size in sizes)
    if fitting is None:
        return LoadChoice(
            None, f"{kg:g} kg is lighter than every {implement} {athlete.id} has ({shown} kg)"
        )
    if abs(fitting - kg) > 1e-9:
        return LoadChoice(
            fitting,
            f"{kg:g} kg rounded down to {fitting:g} kg ({athlete.id}'s {implement}s: {shown} kg)",
        )
    return LoadChoice(fitting)
