"""The conclusions of one evaluation, grouped by type in firing order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.core.runtime import Conclusion, Firing


@dataclass
class Conclusions:
    """Every conclusion of one evaluation, by type, in firing order."""

    by_type: dict[str, list[Conclusion]] = field(default_factory=dict)

    @classmethod
    def from_firings(cls, firings: Iterable[Firing]) -> Conclusions:
        out = cls()
        for firing in firings:
            for conclusion in firing.conclusions:
                out.by_type.setdefault(conclusion.fact_type, []).append(conclusion)
        return out

    def of(self, fact_type: str) -> list[Conclusion]:
        return self.by_type.get(fact_type, [])
