"""One meaning per constraint: does this session, or this exercise, break today's limits.

The planner asks before it chooses a proposal or keeps an exercise; an amendment check asks of
the coach's session after the fact. Both ask here, so a constraint cannot mean one thing when
the engine builds the day and another when the coach changes it (the amendment copy once
ignored ``about: loaded`` and refused a bodyweight pistol the engine itself had chosen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from engine.contract.models import INTENSITY_ORDER, Intensity
from engine.knowledge.schema import Exercise
from engine.rulebook.engine_settings import EngineSettings


@dataclass(frozen=True)
class Limit:
    """A constraint as plain values: a planner conclusion's, or a stored recommendation's."""

    kind: str
    value: str
    about: str
    rule: str


@dataclass(frozen=True)
class Broken:
    """A limit a session or an exercise breaks: the rule that set it and what it forbids."""

    rule: str
    what: str

    def reason(self) -> str:
        return f"{self.what} ({self.rule})"


class Limits:
    """Today's limits, by kind, and what each one rules out."""

    def __init__(self, limits: Sequence[Limit], settings: EngineSettings) -> None:
        self.items = list(limits)
        self.settings = settings
        self._by_kind: dict[str, list[Limit]] = {}
        for limit in self.items:
            self._by_kind.setdefault(limit.kind, []).append(limit)

    def of(self, kind: str) -> list[Limit]:
        return self._by_kind.get(kind, [])

    def intensity_cap(self) -> tuple[Intensity, str | None]:
        """Today's intensity cap (the lowest concluded) and the rule that set it."""
        cap: Intensity = "high"
        rule = None
        for limit in self.of("max_intensity"):
            # A max_intensity value is an intensity: the rule set's load checks it.
            if INTENSITY_ORDER[limit.value] < INTENSITY_ORDER[cap]:
                cap, rule = cast(Intensity, limit.value), limit.rule
        return cap, rule

    def session_breaches(
        self, kind: str, intensity: str, counts_as_hiit: bool, lower_body_program: bool
    ) -> list[Broken]:
        """What the session as a whole breaks (not its exercises), most telling first: HIIT,
        the intensity cap, the session kind, lower-body strength of any kind."""
        found = []
        if kind == "hiit" or counts_as_hiit:
            found += [Broken(limit.rule, "no HIIT today") for limit in self.of("no_hiit")]
        cap, cap_rule = self.intensity_cap()
        if cap_rule is not None and INTENSITY_ORDER[intensity] > INTENSITY_ORDER[cap]:
            found.append(Broken(cap_rule, f"intensity {intensity} is above today's cap of {cap}"))
        found += [
            Broken(limit.rule, f"no {kind} today")
            for limit in self.of("avoid_session_kind")
            if limit.value == kind
        ]
        if lower_body_program:
            # A loaded-only limit is about the program's exercises (exercise_breaches), not
            # the program: the bodyweight routine and pistol practice stay allowed.
            found += [
                Broken(limit.rule, "no lower-body strength today")
                for limit in self.of("no_lower_body_strength")
                if limit.about != "loaded"
            ]
        return found

    def exercise_breaches(self, exercise: Exercise) -> list[Broken]:
        """What having this exercise in the session breaks: an avoided exercise, an avoided
        pattern (with about "loaded" only under an external load), lower-body strength."""
        found = [
            Broken(limit.rule, "avoided today")
            for limit in self.of("avoid_exercise")
            if limit.value == exercise.id
        ]
        for limit in self.of("avoid_pattern"):
            loaded_only = limit.about == "loaded"
            if limit.value in exercise.patterns and (
                not loaded_only or exercise.load == "external"
            ):
                qualifier = "loaded " if loaded_only else ""
                found.append(Broken(limit.rule, f"no {qualifier}{limit.value} work today"))
        lower = self.lower_body_breach(exercise)
        return found + ([lower] if lower is not None else [])

    def lower_body_breach(self, exercise: Exercise) -> Broken | None:
        """How a no_lower_body_strength limit rules this exercise out, or None: any lower-body
        strength work, or with about "loaded" only work with an external load."""
        no_lower = self.of("no_lower_body_strength")
        # The setting is read only when it matters, so replay sees which plans depend on it.
        if (
            not no_lower
            or exercise.region != "lower"
            or exercise.category not in self.settings.planning.lower_body_strength_categories
        ):
            return None
        for limit in no_lower:
            if limit.about != "loaded":
                return Broken(limit.rule, "no lower-body strength today")
        if exercise.load == "external":
            return Broken(no_lower[0].rule, "no loaded lower-body strength today")
        return None
