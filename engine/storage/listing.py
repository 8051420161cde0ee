"""Lists of recommendations for people to page through (the review queue, an athlete's days).

Each list filters (status, athlete, date range), orders and pages in SQL, on an index that
migration 0003 made for it, and reads only the few fields a list line shows, pulled out of the
stored documents by the database's JSON functions. The documents themselves (tens of KB per
recommendation) are never loaded or validated here: a queue of any length costs one page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from engine.storage.schema import RecommendationRow
from engine.storage.store import Store

CURRENT = "current"  # every status but superseded


@dataclass(frozen=True)
class RecommendationFilter:
    """Which recommendations a list shows. ``status`` is one status or :data:`CURRENT`."""

    status: str = "pending"
    athlete_id: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    # A coach's access: only these athletes (None: every athlete, the CLI's).
    athletes: frozenset[str] | None = None


@dataclass(frozen=True)
class Progression:
    ladder: str
    action: str


@dataclass(frozen=True)
class RecommendationDigest:
    """What a list line shows of a stored recommendation."""

    id: int
    athlete_id: str
    date: dt.date
    status: str
    session_kind: str
    session_program: str | None
    session_intensity: str
    planned: str | None  # the session the athlete had planned, from the check-in
    pain_areas: tuple[str, ...]
    hiit_allowed: bool
    progressions: tuple[Progression, ...]
    warning_codes: tuple[str, ...]


_ROW = RecommendationRow
_FIELDS: tuple[Any, ...] = (
    _ROW.id,
    _ROW.athlete_id,
    _ROW.date,
    _ROW.status,
    _ROW.recommendation[("session", "kind")].as_string(),
    _ROW.recommendation[("session", "program")].as_string(),
    _ROW.recommendation[("session", "intensity")].as_string(),
    _ROW.request[("checkin", "planned")].as_string(),
    _ROW.request[("checkin", "pain")],
    _ROW.recommendation[("hiit", "allowed")].as_boolean(),
    _ROW.recommendation["progressions"],
    _ROW.recommendation["warnings"],
)


def _conditions(which: RecommendationFilter) -> list[ColumnElement[bool]]:
    conditions = [
        _ROW.status != "superseded" if which.status == CURRENT else _ROW.status == which.status
    ]
    if which.athlete_id is not None:
        conditions.append(_ROW.athlete_id == which.athlete_id)
    if which.athletes is not None:
        conditions.append(_ROW.athlete_id.in_(sorted(which.athletes)))
    if which.since is not None:
        conditions.append(_ROW.date >= which.since)
    if which.until is not None:
        conditions.append(_ROW.date <= which.until)
    return conditions


def _digest(row: Any) -> RecommendationDigest:
    (rid, athlete, day, status, kind, program, intensity, planned, pain, hiit, ladders, warns) = row
    return RecommendationDigest(
        id=rid,
        athlete_id=athlete,
        date=day,
        status=status,
        session_kind=kind,
        session_program=program,
        session_intensity=intensity,
        planned=planned,
        pain_areas=tuple(sorted({item["area"] for item in pain or []})),
        hiit_allowed=bool(hiit),
        progressions=tuple(Progression(item["ladder"], item["action"]) for item in ladders or []),
        warning_codes=tuple(item["code"] for item in warns or []),
    )


def _page(query: Select[Any], limit: int | None, offset: int) -> Select[Any]:
    query = query.order_by(_ROW.date, _ROW.id)
    if offset:
        query = query.offset(offset)
    return query if limit is None else query.limit(limit)


def recommendation_digests(
    store: Store, which: RecommendationFilter, limit: int | None = None, offset: int = 0
) -> list[RecommendationDigest]:
    """One page of the list, oldest first (by day, then id)."""
    with store.reading() as session:
        query = _page(select(*_FIELDS).where(*_conditions(which)), limit, offset)
        return [_digest(row) for row in session.execute(query)]
