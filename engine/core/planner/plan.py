"""The whole plan of one evaluation: the chosen session, the HIIT decision, the progressions,
the warnings, the constraints and the alternatives that lost."""

from __future__ import annotations

from dataclasses import dataclass

from engine.contract.models import (
    Alternative,
    Constraint,
    EvaluationRequest,
    HiitDecision,
    LoadChange,
    Progression,
    Session,
    Warning_,
)
from engine.core.planner.choosing import choose
from engine.core.planner.conclusions import Conclusions
from engine.core.planner.constraints import Constraints
from engine.core.planner.context import PlanContext
from engine.core.planner.hiit import HIIT_TARGET, hiit_decision
from engine.core.planner.progressions import progressions, settled_progressions
from engine.core.planner.sessions import session_for
from engine.core.strength import OneRepMax
from engine.knowledge.base import KnowledgeBase
from engine.rulebook.engine_settings import EngineSettings


@dataclass
class PlanResult:
    session: Session
    hiit: HiitDecision
    progressions: list[Progression]
    load_changes: list[LoadChange]
    warnings: list[Warning_]
    constraints: list[Constraint]
    alternatives: list[Alternative]
    # What a conclusion asked for that the card does not hold, and why, by the conclusion's
    # identity (see PlanContext.not_on_card): the firings that hold the conclusions outlive it.
    not_on_card: dict[int, list[str]]


class Planner:
    def __init__(
        self,
        request: EvaluationRequest,
        kb: KnowledgeBase,
        settings: EngineSettings,
        conclusions: Conclusions,
        hiit_last_7_days: int,
        one_rep_maxes: dict[str, OneRepMax],
        quality_runs_counted: int = 0,
    ) -> None:
        self.ctx = PlanContext(
            request=request,
            kb=kb,
            settings=settings,
            conclusions=conclusions,
            constraints=Constraints(conclusions, request.athlete, settings),
            one_rep_maxes=one_rep_maxes,
        )
        self.hiit_last_7_days = hiit_last_7_days
        self.quality_runs_counted = quality_runs_counted

    def plan(self) -> PlanResult:
        ctx = self.ctx
        chosen, alternatives = choose(ctx)
        session = session_for(ctx, chosen)
        mark_what_did_not_apply(ctx)
        hiit = hiit_decision(ctx, self.hiit_last_7_days, self.quality_runs_counted)
        warnings = [
            Warning_(code=item.fact.code, message=item.fact.message, rule=item.rule)
            for item in ctx.conclusions.warnings
        ] + ctx.warnings
        constraints = [
            Constraint(
                kind=item.fact.kind,
                value=item.fact.value or None,
                about=item.fact.about or None,
                rule=item.rule,
            )
            for item in ctx.constraints.items
        ]
        return PlanResult(
            session=session,
            hiit=hiit,
            progressions=progressions(ctx.conclusions, ctx.athlete.has_coach),
            load_changes=ctx.load_changes,
            warnings=warnings,
            constraints=constraints,
            alternatives=alternatives,
            not_on_card=ctx.not_on_card,
        )


def mark_what_did_not_apply(ctx: PlanContext) -> None:
    """Record, beside each rule, the prescriptions and ladder decisions of this evaluation that
    today's card does not carry: a dose for an exercise or program not in the session, a hold
    or an advance that a more cautious decision for the same ladder replaced."""
    for prescription in ctx.conclusions.prescriptions:
        target = prescription.fact.target
        if target != HIIT_TARGET and target not in ctx.present_targets:
            ctx.did_not_apply(prescription, f"{target} is not in today's session")
    settled = settled_progressions(ctx.conclusions)
    for decision in ctx.conclusions.progressions:
        winner = settled[decision.fact.ladder]
        # The same action by another rule stands (the card gives the first rule's reason).
        if winner.fact.action != decision.fact.action:
            ctx.did_not_apply(
                decision,
                f"{decision.fact.ladder}: {winner.rule}'s {winner.fact.action} decides instead",
            )
