"""The session of the chosen proposal: a program's variant, HIIT, mobility, cardio or rest,
with the blocks the rules included before and after the main work."""

from __future__ import annotations

from engine.contract.models import INTENSITY_ORDER, Session, SessionBlock, Warning_
from engine.core.planner.context import PlanContext
from engine.core.planner.filling import build_block, include_blocks, program_blocks
from engine.core.planner.hiit import hiit_block
from engine.core.runtime import Conclusion
from engine.rulebook.facts import ProposalFact

SESSION_TITLES = {
    "strength": "Strength session",
    "hiit": "HIIT intervals",
    "mobility": "Mobility session",
    "easy_run": "Easy run",
    "quality_run": "Quality run",
    "long_run": "Long run",
    "cross_training": "Steady cross-training",
    "rest": "Rest day",
}


def session_for(ctx: PlanContext, proposal: Conclusion[ProposalFact] | None) -> Session:
    if proposal is None:
        ctx.warnings.append(
            Warning_(
                code="no_viable_proposal",
                message="No proposed session passed every constraint; rest today.",
            )
        )
        return Session(kind="rest", intensity="rest", title=SESSION_TITLES["rest"])
    fact = proposal.fact
    kind = fact.session
    cap, _ = ctx.constraints.max_intensity()
    intensity = min(fact.intensity, cap, key=lambda value: INTENSITY_ORDER[value])
    session = Session(kind=kind, intensity=intensity, title=SESSION_TITLES[kind])
    if fact.note:
        session.notes.append(f"{fact.note} ({proposal.rule})")
    main: list[SessionBlock] = []
    if fact.program:
        program = ctx.kb.programs[fact.program]
        variant = ctx.variant(program, fact.variant)
        session.program, session.variant = program.id, variant.id
        session.title = f"{program.name}: {variant.name}"
        enrollment = next((e for e in ctx.athlete.programs if e.id == program.id), None)
        if (
            enrollment is not None
            and any(v.week for v in program.variants)
            and (variant.week is not None and variant.week != enrollment.week)
        ):
            ctx.warnings.append(
                Warning_(
                    code="program_week_not_in_source",
                    message=(
                        f"{program.name} week {enrollment.week} is not in the source text; "
                        f"using {variant.name}."
                    ),
                )
            )
        main = program_blocks(ctx, program, variant)
    elif kind == "hiit":
        main = [hiit_block(ctx)]
    elif kind == "mobility":
        main = mobility_blocks(ctx)
    elif kind != "rest":
        main = [cardio_block(ctx, kind)]
    before, after, not_done = include_blocks(ctx, kind, session.program)
    session.blocks = before + main + after
    session.notes.extend(not_done)
    return session


def mobility_blocks(ctx: PlanContext) -> list[SessionBlock]:
    """The mobility blocks of the program the settings name for a mobility day."""
    program = ctx.kb.programs.get(ctx.settings.mobility.program)
    if program is None:
        return []
    variant = program.variant(program.default_variant)
    roles = set(ctx.settings.mobility.block_roles)
    blocks = [
        build_block(ctx, block, f"Mobility: {block.name}", set())
        for block in variant.blocks
        if block.role in roles
    ]
    return [block for block in blocks if block.exercises]


def cardio_block(ctx: PlanContext, kind: str) -> SessionBlock:
    """A run or cross-training: its length and how to do it, from the settings."""
    cardio = ctx.settings.run.session(kind)
    if cardio is None:  # a session kind proposed without a program: a bare block
        return SessionBlock(name=SESSION_TITLES[kind], role="run")
    notes = [cardio.note] if cardio.note else []
    if cardio.minutes:
        notes.insert(0, f"{cardio.minutes} minutes")
    return SessionBlock(name=SESSION_TITLES[kind], role="run", notes=notes)
