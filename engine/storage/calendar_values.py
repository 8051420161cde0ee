"""A calendar entry from its row's values, for the store (:mod:`engine.storage.calendar`) and
the quick reader of the review queue (:mod:`engine.storage.sqlite_triage`), which imports no
SQLAlchemy: one conversion for both."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.contract.calendar import CalendarEntry


def calendar_entry(
    entry_id: int,
    rule: str,
    weekday: str | None,
    date: dt.date | None,
    kind: str | None,
    at: str | None,
    source: str,
) -> CalendarEntry:
    values: dict[str, Any] = {
        "id": entry_id,
        "rule": rule,
        "weekday": weekday,
        "date": date,
        "kind": kind,
        "at": dt.time.fromisoformat(at) if at else None,
        "source": source,
    }
    return CalendarEntry.model_validate(values, strict=False)
