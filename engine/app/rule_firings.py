"""How often each rule fired in the stored recommendations (``rules show``'s history line).

A rule author looking at a rule wants to know whether it matters in practice. The count reads
the stored, current recommendations (superseded ones are left out); each recommendation counts
once per rule, however often the rule fired in it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from engine.storage.firings import fired_in
from engine.storage.store import Store, StoreError


@dataclass(frozen=True)
class FiredCounts:
    """Per rule id, the stored recommendations it fired in; ``None`` when no database could be
    read (then ``why`` says what went wrong)."""

    counts: Counter[str] | None
    why: str = ""

    def of(self, rule_id: str) -> int | None:
        return None if self.counts is None else self.counts[rule_id]


def count_in(store: Store) -> Counter[str]:
    """Counted by the database over the fired rules stored as rows (migration 0009)."""
    return Counter(fired_in(store))


def fired_counts(db_url: str | None) -> FiredCounts:
    """The counts from the database at ``db_url`` (the default database when None)."""
    try:
        store = Store.open(db_url)
        return FiredCounts(count_in(store))
    # A bad URL, an unreachable server, a missing or damaged database: counts are an extra.
    except (SQLAlchemyError, StoreError, OSError, ValueError) as error:
        return FiredCounts(None, f"{type(error).__name__}: {error}")
