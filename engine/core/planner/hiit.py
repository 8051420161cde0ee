"""The HIIT intervals: the rules' work and rest (the most conservative ratio wins), the
interval exercise (under the day's constraints), and the day's HIIT decision."""

from __future__ import annotations

from engine.contract.models import HiitDecision, PrescribedExercise, SessionBlock
from engine.core.planner.context import PlanContext

# The prescription target of the HIIT intervals: it shapes the day's HIIT decision (the
# intervals it offers), whatever the session.
HIIT_TARGET = "hiit"


def hiit_notes(ctx: PlanContext) -> list[str]:
    return [
        f"{conclusion.fact.note} ({conclusion.rule})"
        for conclusion in ctx.conclusions.prescriptions
        if conclusion.fact.target == HIIT_TARGET and conclusion.fact.note
    ]


def hiit_numbers(ctx: PlanContext) -> tuple[int | None, int | None, str | None]:
    work, rest, rule = None, None, None
    for conclusion in ctx.conclusions.prescriptions:
        fact = conclusion.fact
        if fact.target != HIIT_TARGET or not (fact.work_s and fact.rest_s):
            continue
        # The most conservative ratio wins: the longest rest for the work.
        if rest is None or fact.rest_s / fact.work_s > rest / (work or 1):
            work, rest, rule = fact.work_s, fact.rest_s, conclusion.rule
    return work, rest, rule


def hiit_block(ctx: PlanContext) -> SessionBlock:
    settings = ctx.settings
    work, rest, _ = hiit_numbers(ctx)
    work = work or settings.hiit.work_s
    rest = rest or work * settings.hiit.rest_ratio
    exercise = ctx.kb.exercises.get(settings.hiit.interval_exercise)
    items = []
    notes: list[str] = []
    # The interval exercise obeys the day's constraints like any other (no jumping with
    # knee pain, say); when it is ruled out the intervals go to a low-impact machine.
    reason = (
        ctx.constraints.exercise_block_reason(exercise) if exercise is not None else "none known"
    )
    if exercise is not None and reason is None:
        items.append(
            PrescribedExercise(
                id=exercise.id,
                name=exercise.name,
                duration_s=work,
                notes=[settings.hiit.interval_exercise_note],
            )
        )
    else:
        notes.append(f"{settings.hiit.low_impact_note}: {reason}")
    return SessionBlock(
        name="Intervals",
        role="conditioning",
        rounds=settings.hiit.rounds,
        rest_between_rounds_s=rest,
        exercises=items,
        notes=[
            f"{work} s work, {rest} s rest; "
            + settings.hiit.interval_check_note.replace(
                "{hiit.readiness_min_pct}", str(settings.hiit.readiness_min_pct)
            ),
            *notes,
            *hiit_notes(ctx),
        ],
    )


def hiit_decision(
    ctx: PlanContext, hiit_last_7_days: int, quality_runs_counted: int
) -> HiitDecision:
    blocked = any(True for _ in ctx.constraints.of("no_hiit"))
    considered = any(item.fact.session == HIIT_TARGET for item in ctx.conclusions.proposals)
    work, rest, _ = hiit_numbers(ctx)
    if not blocked and work is None:
        work = ctx.settings.hiit.work_s
        rest = work * ctx.settings.hiit.rest_ratio
    return HiitDecision(
        allowed=not blocked,
        sessions_last_7_days=hiit_last_7_days,
        quality_runs_counted=quality_runs_counted,
        considered=considered,
        work_s=None if blocked else work,
        rest_s=None if blocked else rest,
    )
