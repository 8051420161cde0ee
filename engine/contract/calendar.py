"""The athlete's running calendar: weekly runs, one-off runs and cancelled days.

A calendar is what the athlete (or their coach, or a running app's plan) says will happen;
check-ins and the week plan read their upcoming runs and the day's planned kind from it, so the
48-hour rule works without anyone retyping the long run every morning.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from engine.contract.models import Contract, Date, SessionKind

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = Weekday.__args__  # type: ignore[attr-defined]

EntryRule = Literal["weekly", "once", "skip"]


class CalendarEntry(Contract):
    """One line of the calendar: a weekly run, a one-off run, or a skipped (cancelled) day."""

    # Stored entries have an id (for ``calendar remove``); new ones do not yet.
    id: int | None = None
    rule: EntryRule
    weekday: Weekday | None = None
    date: Date | None = None
    kind: SessionKind | None = None
    at: Annotated[dt.time, Field(strict=False)] | None = None
    # Where the entry came from: "cli", or "ics:<file name>".
    source: Annotated[str, Field(max_length=200)] = "cli"

    @model_validator(mode="after")
    def _shape(self) -> CalendarEntry:
        if self.rule == "weekly" and (self.weekday is None or self.kind is None or self.date):
            raise ValueError("a weekly entry needs a weekday and a kind, and no date")
        if self.rule == "once" and (self.date is None or self.kind is None or self.weekday):
            raise ValueError("a one-off entry needs a date and a kind, and no weekday")
        if self.rule == "skip" and (self.date is None or self.kind or self.weekday or self.at):
            raise ValueError("a skipped day needs a date only")
        return self


class Calendar(Contract):
    athlete: str
    entries: list[CalendarEntry] = Field(default_factory=list)
