"""Fill blocks from the knowledge base: exercises (substituted where ruled out, then dosed),
program blocks, ladder stages, and the programs, ladders and exercises the rules included."""

from __future__ import annotations

from engine.contract.models import PrescribedExercise, SessionBlock
from engine.core.planner.context import PlanContext
from engine.core.planner.prescriptions import (
    apply_load_caps,
    apply_loads,
    apply_prescriptions,
    prescribe,
    top_pct,
)
from engine.core.planner.progressions import settled_progressions
from engine.core.planner.substitutions import substitute, substitute_slot
from engine.core.runtime import Conclusion
from engine.knowledge.schema import Block, Dose, Program, ProgramVariant
from engine.rulebook.facts import IncludeFact

# Sessions that short ladder practice may go before (strength first, then the easy cardio).
EASY_CARDIO = frozenset({"easy_run", "cross_training"})


def build_exercise(
    ctx: PlanContext, exercise_id: str, dose: Dose | None, notes: list[str], targets: set[str]
) -> tuple[PrescribedExercise | None, str | None]:
    """The exercise (or its substitute) with its dose, or why it was left out."""
    exercise = ctx.kb.exercises[exercise_id]
    chosen, reason = substitute(exercise, ctx.constraints, ctx.kb)
    if chosen is None:
        return None, f"{exercise.name} left out: {reason}"
    extra = list(notes)
    if chosen.id != exercise.id:
        dose, extra = substitute_slot(exercise, chosen, dose, notes)
        extra.append(f"replaces {exercise.name}: {reason}")
    item = prescribe(chosen, dose, extra)
    dose_pct = top_pct(item.load_pct_1rm)
    answers_to = {*targets, exercise.id, chosen.id}
    ctx.present_targets |= answers_to
    decision = apply_prescriptions(ctx, item, answers_to)
    apply_load_caps(ctx, item)
    apply_loads(ctx, chosen, item, dose_pct, decision)
    return item, None


def build_block(
    ctx: PlanContext, block: Block, name: str | None, targets: set[str]
) -> SessionBlock:
    out = SessionBlock(
        name=name or block.name,
        role=block.role,
        rounds=block.rounds,
        rest_between_exercises_s=block.rest_between_exercises_s,
        rest_between_rounds_s=block.rest_between_rounds_s,
        notes=[block.rest_note] if block.rest_note else [],
    )
    for entry in block.exercises:
        item, dropped = build_exercise(ctx, entry.exercise, entry.dose, entry.notes, targets)
        if item is not None:
            out.exercises.append(item)
        elif dropped:
            out.notes.append(dropped)
    return out


def program_blocks(
    ctx: PlanContext, program: Program, variant: ProgramVariant
) -> list[SessionBlock]:
    """The variant's blocks that keep at least one exercise."""
    targets = {program.id, f"{program.id}.{variant.id}"}
    return [
        block
        for block in (build_block(ctx, block, None, targets) for block in variant.blocks)
        if block.exercises
    ]


def ladder_block(ctx: PlanContext, ladder_id: str, role: str) -> SessionBlock | None:
    """The athlete's current stage of a ladder (after today's regression, if any)."""
    position = ctx.athlete.ladders.get(ladder_id)
    ladder = ctx.kb.ladders.get(ladder_id)
    if ladder is None:
        return None
    current = position.stage if position else ladder.stages[0].exercise
    # A regression is a safety decision and applies today; an advance waits for approval.
    regressed = settled_progressions(ctx.conclusions).get(ladder_id)
    if regressed is not None and regressed.fact.action == "regress":
        current = regressed.fact.to_stage or current
    stage = next((stage for stage in ladder.stages if stage.exercise == current), None)
    if stage is None:  # an alternative final stage sits at the last position
        stage = ladder.stages[-1]
    exercise_id = current
    notes = list(stage.notes[:1])
    if position and position.assistance:
        notes.append(f"assistance: {position.assistance}")
    block = SessionBlock(
        name=f"{ladder.name}: stage {stage.number} of {len(ladder.stages)}",
        role="warm_up" if role == "warm_up" else "accessory",
        rounds=1,
    )
    item, dropped = build_exercise(ctx, exercise_id, stage.dose, notes, {ladder_id})
    if item is None:
        ctx.dropped[ladder_id] = dropped or "left out"
        return None
    block.exercises.append(item)
    return block


def day_of(kind: str) -> str:
    """ "a mobility day", "an easy_run day"."""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} day"


def include_blocks(
    ctx: PlanContext, session_kind: str, session_program: str | None
) -> tuple[list[SessionBlock], list[SessionBlock], list[str]]:
    """Blocks the rules asked to add: (before the main work, after it, notes on the rest).

    Warm-up work joins strength and mobility sessions; accessory work joins strength
    sessions only (a mobility day is not a strength day in disguise). Ladder practice also
    goes before easy cardio, strength first (d0_before_cardio_same_day), so a stage's weekly
    frequency can be met on easy days. A program that is already the session is not added
    again. Whatever is not added gets a note saying why, so the card never leaves out
    silently what a rule in the trace asked for.
    """
    before: list[SessionBlock] = []
    after: list[SessionBlock] = []
    notes: list[str] = []
    made: dict[tuple[str, str], list[SessionBlock]] = {}

    def not_today(conclusion: Conclusion[IncludeFact], why: str) -> None:
        notes.append(f"Not today: {why} ({conclusion.rule})")
        ctx.did_not_apply(conclusion, why)

    for conclusion in ctx.conclusions.includes:
        fact = conclusion.fact
        key = (fact.what, fact.ref)
        if key in made:  # already placed by an earlier rule: note this rule's reason there too
            for block in made[key][:1]:
                if fact.reason:
                    block.notes.append(f"{fact.reason} ({conclusion.rule})")
            if not made[key]:
                not_today(conclusion, fact.ref)
            continue
        made[key] = []
        before_cardio = session_kind in EASY_CARDIO and fact.what == "ladder"
        if session_kind not in {"strength", "mobility"} and not before_cardio:
            not_today(conclusion, f"{fact.ref} on {day_of(session_kind)}")
            continue
        if fact.role != "warm_up" and session_kind not in {"strength", *EASY_CARDIO}:
            not_today(conclusion, f"{fact.ref} on {day_of(session_kind)}")
            continue
        if fact.what == "program" and fact.ref == session_program:
            if fact.reason:
                notes.append(f"{fact.reason} ({conclusion.rule})")
            continue
        blocks: list[SessionBlock] = []
        if fact.what == "ladder":
            stage_block = ladder_block(ctx, fact.ref, fact.role)
            blocks = [stage_block] if stage_block else []
        elif fact.what == "program" and fact.ref in ctx.kb.programs:
            program = ctx.kb.programs[fact.ref]
            blocks = program_blocks(ctx, program, ctx.variant(program))
            for block in blocks:
                block.role = "accessory" if fact.role != "warm_up" else "warm_up"
                block.name = f"{program.name}: {block.name}"
        elif fact.what == "exercise" and fact.ref in ctx.kb.exercises:
            exercise = ctx.kb.exercises[fact.ref]
            item, _ = build_exercise(ctx, exercise.id, exercise.dose, [], set())
            if item is not None:
                blocks = [SessionBlock(name=exercise.name, role="accessory", exercises=[item])]
        if not blocks:
            reason = ctx.dropped.get(fact.ref, "its exercises are ruled out today")
            not_today(conclusion, f"{fact.ref}, {reason}")
        made[key] = blocks
        for block in blocks:
            if fact.reason:
                block.notes.append(f"{fact.reason} ({conclusion.rule})")
        (before if fact.role == "warm_up" or before_cardio else after).extend(blocks)
    return before, after, notes
