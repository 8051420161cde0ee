"""What today's constraints rule out for the planner: the conclusions of one evaluation as
:class:`~engine.core.planner.limits.Limits` (the one meaning of each constraint), plus the
athlete's equipment."""

from __future__ import annotations

from engine.contract.models import AthleteProfile, Intensity
from engine.core.planner.conclusions import Conclusions
from engine.core.planner.limits import Limit, Limits
from engine.core.runtime import Conclusion
from engine.knowledge.schema import Exercise
from engine.rulebook.engine_settings import EngineSettings
from engine.rulebook.facts import ConstraintFact


class Constraints:
    """The constraint conclusions of one evaluation, by kind, with the checks they imply."""

    def __init__(
        self, conclusions: Conclusions, athlete: AthleteProfile, settings: EngineSettings
    ) -> None:
        self.items = conclusions.constraints
        self.athlete = athlete
        self.settings = settings
        self._by_kind: dict[str, list[Conclusion[ConstraintFact]]] = {}
        self._reasons: dict[str, str | None] = {}
        for constraint in self.items:
            self._by_kind.setdefault(constraint.fact.kind, []).append(constraint)
        self.limits = Limits(
            [
                Limit(item.fact.kind, item.fact.value, item.fact.about, item.rule)
                for item in self.items
            ],
            settings,
        )

    def of(self, kind: str) -> list[Conclusion[ConstraintFact]]:
        return self._by_kind.get(kind, [])

    def max_intensity(self) -> tuple[Intensity, str | None]:
        """Today's intensity cap (the lowest concluded) and the rule that set it."""
        return self.limits.intensity_cap()

    def lower_body_block_reason(self, exercise: Exercise) -> str | None:
        """Why a no_lower_body_strength constraint rules this exercise out, or None."""
        broken = self.limits.lower_body_breach(exercise)
        return broken.reason() if broken is not None else None

    def exercise_block_reason(self, exercise: Exercise) -> str | None:
        """Why this exercise cannot be in today's session, or None. Worked out once per
        exercise: choosing and filling ask it of the same exercises again and again."""
        if exercise.id in self._reasons:
            return self._reasons[exercise.id]
        reason: str | None = None
        broken = self.limits.exercise_breaches(exercise)
        if broken:
            reason = broken[0].reason()
        elif exercise.equipment and not exercise.usable_with(self.athlete.equipment):
            needed = " or ".join("+".join(option) for option in exercise.equipment)
            reason = f"needs {needed}"
        self._reasons[exercise.id] = reason
        return reason
