"""A coach's changes to a recommended session, as data: its own module so that a command that
only lists the queue (``review list``) does not import what checks an amendment
(:mod:`engine.app.amend`: the planner, the rule engine, the invariants)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.contract.models import Session


@dataclass
class Amendment:
    """Changes a coach makes to a recommended session."""

    kind: str | None = None
    intensity: str | None = None
    drop: list[str] = field(default_factory=list)
    swap: list[tuple[str, str]] = field(default_factory=list)
    dose: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    session: Session | None = None  # a whole replacement session (from --file)
    override: str | None = None  # the coach's reason for breaking a safety rule

    def is_empty(self) -> bool:
        return not (
            self.kind or self.intensity or self.drop or self.swap or self.dose or self.session
        )
