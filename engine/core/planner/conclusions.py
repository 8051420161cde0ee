"""The conclusions of one evaluation, grouped by type in firing order, typed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar, cast

from engine.core.runtime import Conclusion, Firing
from engine.rulebook.facts import (
    ConstraintFact,
    FactModel,
    IncludeFact,
    PrescriptionFact,
    ProgressionFact,
    ProposalFact,
    WarningFact,
)

F = TypeVar("F", bound=FactModel)


@dataclass
class Conclusions:
    """Every conclusion of one evaluation, by type, in firing order."""

    by_type: dict[str, list[Conclusion[FactModel]]] = field(default_factory=dict)
    _checked: set[str] = field(default_factory=set, repr=False, compare=False)

    @classmethod
    def from_firings(cls, firings: Iterable[Firing]) -> Conclusions:
        out = cls()
        for firing in firings:
            for conclusion in firing.conclusions:
                out.by_type.setdefault(conclusion.fact_type, []).append(conclusion)
        return out

    def _of(self, fact_type: str, model: type[F]) -> list[Conclusion[F]]:
        items = self.by_type.get(fact_type, [])
        # The runtime validates each conclusion with the model of its type; checked once per
        # type (the planner asks for the same lists many times per evaluation).
        if fact_type not in self._checked:
            assert all(isinstance(item.fact, model) for item in items)
            self._checked.add(fact_type)
        return cast(list[Conclusion[F]], items)

    @property
    def constraints(self) -> list[Conclusion[ConstraintFact]]:
        return self._of("constraint", ConstraintFact)

    @property
    def proposals(self) -> list[Conclusion[ProposalFact]]:
        return self._of("proposal", ProposalFact)

    @property
    def prescriptions(self) -> list[Conclusion[PrescriptionFact]]:
        return self._of("prescription", PrescriptionFact)

    @property
    def progressions(self) -> list[Conclusion[ProgressionFact]]:
        return self._of("progression", ProgressionFact)

    @property
    def includes(self) -> list[Conclusion[IncludeFact]]:
        return self._of("include", IncludeFact)

    @property
    def warnings(self) -> list[Conclusion[WarningFact]]:
        return self._of("warning", WarningFact)
