"""What today's constraints rule out: an intensity above the cap, an exercise, a pattern."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from engine.contract.models import INTENSITY_ORDER, AthleteProfile, Intensity
from engine.core.planner.conclusions import Conclusions
from engine.core.runtime import Conclusion
from engine.knowledge.schema import Exercise
from engine.rulebook.facts import ConstraintFact


class Constraints:
    """The constraint conclusions of one evaluation, by kind, with the checks they imply."""

    def __init__(
        self, conclusions: Conclusions, athlete: AthleteProfile, settings: Mapping[str, Any]
    ) -> None:
        self.items = conclusions.constraints
        self.athlete = athlete
        self.settings = settings
        self._by_kind: dict[str, list[Conclusion[ConstraintFact]]] = {}
        for constraint in self.items:
            self._by_kind.setdefault(constraint.fact.kind, []).append(constraint)

    def of(self, kind: str) -> list[Conclusion[ConstraintFact]]:
        return self._by_kind.get(kind, [])

    def max_intensity(self) -> tuple[Intensity, str | None]:
        """Today's intensity cap (the lowest concluded) and the rule that set it."""
        cap: Intensity = "high"
        rule = None
        for item in self.of("max_intensity"):
            # A max_intensity value is an intensity: the rule set's load checks it.
            if INTENSITY_ORDER[item.fact.value] < INTENSITY_ORDER[cap]:
                cap, rule = cast(Intensity, item.fact.value), item.rule
        return cap, rule

    def lower_body_block_reason(self, exercise: Exercise) -> str | None:
        """Why a no_lower_body_strength constraint rules this exercise out, or None: any
        lower-body strength work, or with about "loaded" only work with an external load."""
        no_lower = self.of("no_lower_body_strength")
        # The setting is read only when it matters, so replay sees which plans depend on it.
        if (
            not no_lower
            or exercise.region != "lower"
            or exercise.category not in self.settings["planning.lower_body_strength_categories"]
        ):
            return None
        for item in no_lower:
            if item.fact.about != "loaded":
                return f"no lower-body strength today ({item.rule})"
        if exercise.load == "external":
            return f"no loaded lower-body strength today ({no_lower[0].rule})"
        return None

    def exercise_block_reason(self, exercise: Exercise) -> str | None:
        """Why this exercise cannot be in today's session, or None."""
        for item in self.of("avoid_exercise"):
            if item.fact.value == exercise.id:
                return f"avoided today ({item.rule})"
        for item in self.of("avoid_pattern"):
            pattern = item.fact.value
            loaded_only = item.fact.about == "loaded"
            if pattern in exercise.patterns and (not loaded_only or exercise.load == "external"):
                qualifier = "loaded " if loaded_only else ""
                return f"no {qualifier}{pattern} work today ({item.rule})"
        lower = self.lower_body_block_reason(exercise)
        if lower is not None:
            return lower
        if exercise.equipment and not exercise.usable_with(self.athlete.equipment):
            needed = " or ".join("+".join(option) for option in exercise.equipment)
            return f"needs {needed}"
        return None
