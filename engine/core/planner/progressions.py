"""One progression decision per ladder: the most cautious one concluded wins."""

from __future__ import annotations

from engine.contract.models import Progression
from engine.core.planner.conclusions import Conclusions
from engine.core.runtime import Conclusion
from engine.rulebook.facts import ProgressionFact

PROGRESSION_CAUTION = {"regress": 0, "hold": 1, "advance": 2}


def settled_progressions(conclusions: Conclusions) -> dict[str, Conclusion[ProgressionFact]]:
    """One decision per ladder: the most cautious one concluded (regress > hold > advance)."""
    chosen: dict[str, Conclusion[ProgressionFact]] = {}
    for conclusion in conclusions.progressions:
        ladder = conclusion.fact.ladder
        current = chosen.get(ladder)
        if current is None or (
            PROGRESSION_CAUTION[conclusion.fact.action] < PROGRESSION_CAUTION[current.fact.action]
        ):
            chosen[ladder] = conclusion
    return chosen


def progressions(conclusions: Conclusions, has_coach: bool) -> list[Progression]:
    """The settled decisions, by ladder id; an advance needs the coach's approval if any."""
    chosen = settled_progressions(conclusions)
    out = []
    for ladder_id in sorted(chosen):
        fact = chosen[ladder_id].fact
        from_stage = fact.from_stage
        to_stage = fact.to_stage or from_stage
        out.append(
            Progression.model_validate(
                {
                    "ladder": ladder_id,
                    "action": fact.action,
                    "from": from_stage,
                    "to": to_stage,
                    "reason": f"{fact.reason} ({chosen[ladder_id].rule})".strip(),
                    "needs_approval": fact.action == "advance" and has_coach,
                }
            )
        )
    return out
