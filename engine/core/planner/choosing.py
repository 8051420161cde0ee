"""Keep every proposal that passes every constraint, pick the highest preference, and say why
each other proposal lost."""

from __future__ import annotations

from typing import Literal

from engine.contract.models import Alternative
from engine.core.planner.context import PlanContext
from engine.core.planner.substitutions import substitute
from engine.core.runtime import Conclusion
from engine.rulebook.facts import ProposalFact


def proposal_block_reason(ctx: PlanContext, proposal: Conclusion[ProposalFact]) -> str | None:
    """Why this proposal cannot be today's session, or None."""
    constraints, kb = ctx.constraints, ctx.kb
    fact = proposal.fact
    kind, program_id = fact.session, fact.program
    program = kb.programs.get(program_id) if program_id else None
    variant = ctx.variant(program, fact.variant) if program else None
    broken = constraints.limits.session_breaches(
        kind,
        fact.intensity,
        variant is not None and variant.counts_as_hiit,
        program is not None and program.lower_body,
    )
    if broken:
        return broken[0].reason()
    main = (
        [
            entry.exercise
            for block in variant.blocks
            if block.role == "main"
            for entry in block.exercises
        ]
        if variant is not None
        else []
    )
    if program is not None and program.lower_body:
        # A loaded-only limit blocks a lower-body session whose main work carries a load,
        # not a bodyweight one (pistol practice, the bodyweight routine).
        for exercise_id in main:
            reason = constraints.lower_body_block_reason(kb.exercises[exercise_id])
            if reason is not None:
                return reason
    if variant is not None:
        ruled_out = [
            exercise_id
            for exercise_id in main
            if substitute(kb.exercises[exercise_id], constraints, kb)[0] is None
        ]
        # More than this share of the main work gone (with no substitute) blocks the session.
        most = ctx.settings.planning.main_ruled_out_max_fraction
        if main and len(ruled_out) > most * len(main):
            reasons = sorted(
                {
                    reason
                    for exercise_id in ruled_out
                    if (reason := constraints.exercise_block_reason(kb.exercises[exercise_id]))
                }
            )
            return f"most of its main exercises are ruled out: {'; '.join(reasons)}"
    return None


def choose(ctx: PlanContext) -> tuple[Conclusion[ProposalFact] | None, list[Alternative]]:
    """The chosen proposal (None when every one is blocked) and how each proposal fared."""
    proposals = ctx.conclusions.proposals
    viable: list[tuple[int, Conclusion[ProposalFact]]] = []
    alternatives: list[Alternative] = []
    verdicts: list[tuple[Conclusion[ProposalFact], str | None]] = []
    for order, proposal in enumerate(proposals):
        reason = proposal_block_reason(ctx, proposal)
        verdicts.append((proposal, reason))
        if reason is None:
            viable.append((order, proposal))
    chosen = None
    if viable:
        # Equal preferences go by rank (a program's place in the rotation), then by order.
        chosen = min(
            viable,
            key=lambda item: (-item[1].fact.preference, item[1].fact.rank, item[0]),
        )[1]
    for proposal, reason in verdicts:
        fact = proposal.fact
        outcome: Literal["chosen", "blocked", "outranked"]
        if proposal is chosen:
            outcome, why = (
                "chosen",
                "highest preference among proposals that pass every constraint"
                + (f", first in the rotation ({fact.note})" if fact.rank else ""),
            )
        elif reason is not None:
            outcome, why = "blocked", reason
        else:
            assert chosen is not None
            outcome = "outranked"
            why = (
                f"preference {fact.preference} below the chosen "
                f"{chosen.fact.session} ({chosen.fact.preference}, {chosen.rule})"
                if fact.preference < chosen.fact.preference
                else f"same preference, later in the rotation ({fact.note})"
                if fact.rank > chosen.fact.rank > 0
                else f"same preference as the chosen session, which goes first ({chosen.rule})"
            )
        alternatives.append(
            Alternative(
                kind=fact.session,
                program=fact.program or None,
                priority=fact.preference,
                proposed_by=proposal.rule,
                outcome=outcome,
                reason=why,
            )
        )
    return chosen, alternatives
