"""Doses: the knowledge base's dose, the rules' prescriptions, load caps, and loads in kg.

A load comes from, in order: a progression rule's decision on the last logged load (up, down or
hold, rules/progression.yaml), a rule's starting load (the lightest bar), or the dose's % of
the athlete's 1RM (entered, or estimated from logged sets); without any of them the card gives
an effort target. The texts' percentages are caps: a step up never breaks one, and a cap below
the dose's own % (speed work at 60%, experienced pause work at 50%) holds every load under it.
"""

from __future__ import annotations

from typing import Any

from engine.contract.formatting import fmt_value
from engine.contract.models import LoadChange, PrescribedExercise
from engine.core.loads import load_for
from engine.core.planner.context import PlanContext
from engine.core.runtime import Conclusion
from engine.core.strength import logged_sets
from engine.knowledge.schema import Dose, Exercise
from engine.rulebook.facts import PrescriptionFact

# A kilogram tolerance for comparing a load with a cap (float arithmetic on % of 1RM).
_KG_EPSILON = 1e-6


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


def apply_prescriptions(
    ctx: PlanContext, item: PrescribedExercise, targets: set[str]
) -> Conclusion[PrescriptionFact] | None:
    """The rules' prescriptions for any of these targets, in firing order; returns the last
    progression rule's load decision for this very exercise (a substitute does not inherit the
    load of the exercise it replaces)."""
    decision = None
    for conclusion in ctx.conclusions.prescriptions:
        fact = conclusion.fact
        if fact.target not in targets:
            continue
        if fact.load_change:
            if fact.target == item.id:
                decision = conclusion
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
    return decision


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


def top_pct(value: Any) -> float | None:
    """The top of a % of 1RM (a number or a [low, high] range)."""
    if value is None:
        return None
    return float(value[1] if isinstance(value, list) else value)


def apply_loads(
    ctx: PlanContext,
    exercise: Exercise,
    item: PrescribedExercise,
    dose_pct: float | None,
    decision: Conclusion[PrescriptionFact] | None,
) -> None:
    """The exercise's load in kg and where it came from, or an effort target (see the module
    docstring). ``dose_pct`` is the top of the knowledge base's % before any rule capped it."""
    if exercise.load != "external":
        return
    if not exercise.practical_one_rep_max:
        item.load_pct_1rm = None  # a % of a maximum nobody tests is no prescription
    one_rep_max = ctx.one_rep_maxes.get(exercise.id) if exercise.practical_one_rep_max else None
    cap = top_pct(item.load_pct_1rm)
    # A cap below the dose's own % is the texts' lighter work: it holds every load, not only
    # a step up.
    strict = cap is not None and (dose_pct is None or cap < dose_pct)
    cap_kg = one_rep_max.kg * cap / 100 if (cap is not None and one_rep_max) else None
    if decision is not None:
        _apply_progression(ctx, exercise, item, decision, cap, cap_kg, strict)
        return
    if item.load_kg is not None:  # a rule's starting load (the lightest bar)
        return
    if cap is not None and one_rep_max is not None:
        choice = load_for(exercise, cap, one_rep_max.kg, ctx.athlete)
        item.load_kg = choice.kg
        if choice.kg is not None:
            item.load_basis = f"{fmt_value(cap)}% of {one_rep_max.basis()}"
            return
    item.effort_target = ctx.settings.load.without_one_rep_max_note


def _apply_progression(
    ctx: PlanContext,
    exercise: Exercise,
    item: PrescribedExercise,
    decision: Conclusion[PrescriptionFact],
    cap: float | None,
    cap_kg: float | None,
    strict: bool,
) -> None:
    """A progression rule's load, kept under the cap, recorded as a load change."""
    fact = decision.fact
    logged = logged_sets(ctx.request.history, exercise.id)
    last = logged[-1][0]
    action, kg, capped = fact.load_change, fact.load_kg, None
    reason = fact.note
    if (
        cap is not None
        and cap_kg is not None
        and kg > cap_kg + _KG_EPSILON
        and (action == "up" or strict)
    ):
        if action == "up" and last.load_kg <= cap_kg + _KG_EPSILON:
            kg, action = last.load_kg, "hold"
            reason = (
                f"{fmt_value(fact.load_kg)} kg would be over {fmt_value(cap)}% of your "
                f"1RM ({fmt_value(round(cap_kg / cap * 100, 1))} kg)"
            )
        else:
            kg = load_for(exercise, cap, cap_kg * 100 / cap, ctx.athlete).kg or 0.0
            action = "down" if kg < last.load_kg else "hold"
            reason = f"today's work stays at or under {fmt_value(cap)}% of your 1RM"
        capped = cap
    item.load_kg = kg
    item.load_basis = f"from {last.text()}"
    ctx.load_changes.append(
        LoadChange(
            exercise=exercise.id,
            name=exercise.name,
            action=action,  # type: ignore[arg-type]
            from_kg=last.load_kg,
            to_kg=kg,
            reason=reason,
            rule=decision.rule,
            capped_at_pct=capped,
            needs_approval=ctx.athlete.has_coach and action != "hold",
        )
    )


def cap_pct(value: Any, cap: float) -> Any:
    """A % of 1RM (a number or a [low, high] range) no higher than ``cap``."""
    if value is None:
        return None
    if isinstance(value, list):
        low, high = value
        return [min(low, cap), min(high, cap)]
    return min(value, cap)
