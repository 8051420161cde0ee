"""What every part of the planner reads: the request, knowledge base, settings, conclusions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.contract.models import AthleteProfile, EvaluationRequest, LoadChange, Warning_
from engine.core.planner.conclusions import Conclusions
from engine.core.planner.constraints import Constraints
from engine.core.planner.variants import pick_variant
from engine.core.runtime import Conclusion
from engine.core.strength import OneRepMax
from engine.knowledge.base import KnowledgeBase
from engine.knowledge.schema import Program, ProgramVariant
from engine.rulebook.engine_settings import EngineSettings


@dataclass
class PlanContext:
    request: EvaluationRequest
    kb: KnowledgeBase
    settings: EngineSettings
    conclusions: Conclusions
    constraints: Constraints
    # The athlete's 1RM per exercise, entered or estimated from logged sets: the features
    # computed it already (engine.core.strength), so the planner reads theirs.
    one_rep_maxes: dict[str, OneRepMax]
    # Warnings the planner itself raises while filling the session.
    warnings: list[Warning_] = field(default_factory=list)
    # Why an included ladder's stage was left out today, by ladder id (for the card's note).
    dropped: dict[str, str] = field(default_factory=dict)
    # What a conclusion asked for that today's card does not hold, and why: the trace says so
    # beside the firing that concluded it, so it never claims work the session does not do.
    # Keyed by the conclusion object itself (its identity): a rule that fires once per
    # exercise makes equal-looking conclusions, and each firing's note is its own.
    not_on_card: dict[int, list[str]] = field(default_factory=dict)
    # Every prescription target an exercise on the card answered to (its program, variant, the
    # exercise and its substitute): a prescription for anything else did not apply today.
    present_targets: set[str] = field(default_factory=set)
    # The loads the progression rules decided for exercises on the card, in card order.
    load_changes: list[LoadChange] = field(default_factory=list)

    def did_not_apply(self, conclusion: Conclusion[Any], why: str) -> None:
        self.not_on_card.setdefault(id(conclusion), []).append(why)

    @property
    def athlete(self) -> AthleteProfile:
        return self.request.athlete

    def prescribed_variant(self, program_id: str) -> str:
        """The variant a rule prescribed for this program today (the last one concluded wins),
        or "" to leave the choice to :func:`~engine.core.planner.variants.pick_variant`."""
        for conclusion in reversed(self.conclusions.prescriptions):
            if conclusion.fact.target == program_id and conclusion.fact.variant:
                return conclusion.fact.variant
        return ""

    def variant(self, program: Program, proposed: str = "") -> ProgramVariant:
        """Today's variant of a program: the one proposed, else the one prescribed, else
        :func:`~engine.core.planner.variants.pick_variant`'s choice."""
        requested = proposed or self.prescribed_variant(program.id)
        return pick_variant(program, requested, self.athlete, self.kb.exercises)
