"""Doses: the knowledge base's dose, the rules' prescriptions, load caps, and loads in kg."""

from __future__ import annotations

from typing import Any

from engine.contract.formatting import fmt_value
from engine.contract.models import PrescribedExercise
from engine.core.loads import load_for
from engine.core.planner.context import PlanContext
from engine.knowledge.schema import Dose, Exercise


def prescribe(exercise: Exercise, dose: Dose | None, notes: list[str]) -> PrescribedExercise:
    """The exercise with the knowledge base's dose."""
    item = PrescribedExercise(id=exercise.id, name=exercise.name, notes=list(notes))
    if dose is not None:
        item.sets = dose.sets
        item.reps = dose.reps
        item.per_side = dose.per_side
        item.duration_s = dose.duration_s
        item.distance_yd = dose.distance_yd
        item.pause_s = dose.pause_s
        item.load_pct_1rm = dose.load_pct_1rm
        item.tempo = dose.tempo or (
            f"{fmt_value(dose.eccentric_s)} s lowering" if dose.eccentric_s is not None else None
        )
        if dose.load_note:
            item.notes.append(dose.load_note)
    return item


def apply_prescriptions(ctx: PlanContext, item: PrescribedExercise, targets: set[str]) -> None:
    """The rules' prescriptions for any of these targets, in firing order."""
    for conclusion in ctx.conclusions.prescriptions:
        fact = conclusion.fact
        if fact.target not in targets:
            continue
        if fact.sets:
            item.sets = fact.sets
        if fact.reps:
            item.reps = fact.reps
        if fact.tempo:
            item.tempo = fact.tempo
        if fact.eccentric_s:
            item.tempo = f"{fact.eccentric_s} s lowering"
        if fact.pause_s:
            item.pause_s = fact.pause_s
        if fact.load_pct_max:
            item.load_pct_1rm = cap_pct(item.load_pct_1rm, fact.load_pct_max)
        if fact.load_kg:
            item.load_kg = fact.load_kg
        if fact.note:
            item.notes.append(f"{fact.note} ({conclusion.rule})")


def apply_load_caps(ctx: PlanContext, item: PrescribedExercise) -> None:
    """Today's load caps (a speed cap only on tempo or pause work)."""
    speed_work = bool(item.tempo or item.pause_s)
    for conclusion in ctx.constraints.of("load_cap_pct"):
        if conclusion.fact.about == "speed" and not speed_work:
            continue
        cap = float(conclusion.fact.value)
        capped = cap_pct(item.load_pct_1rm, cap)
        if capped != item.load_pct_1rm:
            item.notes.append(f"load capped at {fmt_value(cap)}% of 1RM ({conclusion.rule})")
            item.load_pct_1rm = capped


def apply_loads(ctx: PlanContext, exercise: Exercise, item: PrescribedExercise) -> None:
    """% of 1RM as kg the athlete can load, rounded down."""
    if item.load_pct_1rm is None or exercise.load != "external":
        return
    top = item.load_pct_1rm[1] if isinstance(item.load_pct_1rm, list) else item.load_pct_1rm
    choice = load_for(exercise, top, ctx.athlete, ctx.settings["load.without_one_rep_max_note"])
    item.load_kg = choice.kg
    if choice.note:
        item.notes.append(choice.note)


def cap_pct(value: Any, cap: float) -> Any:
    """A % of 1RM (a number or a [low, high] range) no higher than ``cap``."""
    if value is None:
        return None
    if isinstance(value, list):
        low, high = value
        return [min(low, cap), min(high, cap)]
    return min(value, cap)
