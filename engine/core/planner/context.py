"""What every part of the planner reads: the request, knowledge base, settings, conclusions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.contract.models import AthleteProfile, EvaluationRequest, Warning_
from engine.core.planner.conclusions import Conclusions
from engine.core.planner.constraints import Constraints
from engine.knowledge.base import KnowledgeBase


@dataclass
class PlanContext:
    request: EvaluationRequest
    kb: KnowledgeBase
    settings: Mapping[str, Any]
    conclusions: Conclusions
    constraints: Constraints
    # Warnings the planner itself raises while filling the session.
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def athlete(self) -> AthleteProfile:
        return self.request.athlete
