"""The review queue as the coach triages it, filtered, ordered, counted and paged in SQL.

- Statuses: a pending recommendation of a day already past where its athlete is (their time
  zone) reads as ``lapsed``: nobody reviewed it in time. It stays in the database as it was
  (its status column is still ``pending``, its audit trail intact) and leaves the pending
  queue; ``lapsed`` lists and counts them.
- Order: the pending queue goes by day (today, then tomorrow ...), and within a day the rows
  that need attention come first (the stored attention bits, or a recovery below the gate);
  every other list goes newest first.
- Access: the athletes the coach may see are a condition of the query, never a filter after.
- Each row carries its check-in (the readiness in numbers) and the runs the check-in was
  evaluated with, from one join: the page needs no second read of the check-ins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, not_, or_, select
from sqlalchemy.types import Date

from engine.storage.schema import AthleteRow, CheckInRow, RecommendationRow
from engine.storage.store import Store
from engine.storage.triage_columns import BITS

LAPSED = "lapsed"
ALL = "all"
# Flags a list can be narrowed to: the attention bits, readiness below the gate, or any.
FLAGS = (*BITS, "readiness", "attention")

_ROW = RecommendationRow


@dataclass(frozen=True)
class TriageScope:
    """Which recommendations, as of when: ``athletes`` is the coach's access (None: every
    athlete, the CLI's), ``today`` the date in each athlete time zone in scope (None: the
    server's zone), ``gate`` the readiness gate (recovery % below it needs attention)."""

    today: Mapping[str | None, dt.date]
    gate: int
    athletes: Collection[str] | None = None
    athlete_id: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class TriageRow:
    id: int
    athlete_id: str
    date: dt.date
    status: str  # as the coach reads it: pending, lapsed, approved ...
    session_kind: str
    session_program: str | None
    session_intensity: str
    checkin: dict[str, Any]
    upcoming: list[Any]
    attention: int
    progressions: list[dict[str, Any]]
    load_changes: list[dict[str, Any]]


def zones_in_scope(store: Store, scope_athletes: Collection[str] | None) -> set[str | None]:
    """The time zones of the athletes in scope (one small read, before the page)."""
    with store.reading() as session:
        query = select(AthleteRow.timezone).distinct()
        if scope_athletes is not None:
            query = query.where(AthleteRow.id.in_(list(scope_athletes)))
        return set(session.scalars(query))


def _today_of_athlete(scope: TriageScope) -> ColumnElement[Any]:
    """The athlete's today, as an SQL expression over their time zone."""
    server = scope.today.get(None, min(scope.today.values(), default=dt.date.today()))
    whens = [
        (AthleteRow.timezone == zone, literal(day, Date))
        for zone, day in scope.today.items()
        if zone is not None
    ]
    return case(*whens, else_=literal(server, Date)) if whens else literal(server, Date)


def _needs_attention(scope: TriageScope) -> ColumnElement[bool]:
    return or_(_ROW.attention != 0, _ROW.recovery_pct < scope.gate)


def _flag_condition(flag: str, scope: TriageScope) -> ColumnElement[bool]:
    if flag == "readiness":
        return _ROW.recovery_pct < scope.gate
    if flag == "attention":
        return _needs_attention(scope)
    return _ROW.attention.op("&")(BITS[flag]) != 0


def _status(scope: TriageScope) -> ColumnElement[str]:
    """The status column as the conditions should use it. A coach's queue is narrowed by
    athlete first: wrapped in an expression, the status cannot lead the query planner to the
    (status, date) index, which would walk every athlete's decided history to find one
    coach's rows (SQLite keeps no statistics to know better). Unscoped, the status index is
    the right way in."""
    if scope.athletes is None and scope.athlete_id is None:
        return _ROW.status.expression
    return func.lower(_ROW.status)  # statuses are lower case: the same values


def _conditions(
    scope: TriageScope, status: str, flag: str | None = None
) -> list[ColumnElement[bool]]:
    past = _ROW.date < _today_of_athlete(scope)
    # The earliest and latest today over the zones bound the date on the index; the exact
    # per-zone comparison follows.
    earliest, latest = min(scope.today.values()), max(scope.today.values())
    row_status = _status(scope)
    if status == "pending":
        conditions = [row_status == "pending", _ROW.date >= earliest, not_(past)]
    elif status == LAPSED:
        conditions = [row_status == "pending", _ROW.date < latest, past]
    elif status == ALL:
        conditions = [row_status != "superseded"]
    else:
        conditions = [row_status == status]
    if scope.athletes is not None:
        conditions.append(_ROW.athlete_id.in_(list(scope.athletes)))
    if scope.athlete_id is not None:
        conditions.append(_ROW.athlete_id == scope.athlete_id)
    if scope.since is not None:
        conditions.append(_ROW.date >= scope.since)
    if scope.until is not None:
        conditions.append(_ROW.date <= scope.until)
    if flag is not None:
        conditions.append(_flag_condition(flag, scope))
    return conditions


def triage_rows(
    store: Store,
    scope: TriageScope,
    status: str = "pending",
    flag: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[TriageRow]:
    """One page of the list, in triage order."""
    shown_status = case(
        (and_(_ROW.status == "pending", _ROW.date < _today_of_athlete(scope)), LAPSED),
        else_=_ROW.status,
    )
    attention_first = case((_needs_attention(scope), 0), else_=1)
    order = (
        [_ROW.date, attention_first, _ROW.athlete_id, _ROW.id]
        if status == "pending"
        else [_ROW.date.desc(), attention_first, _ROW.id.desc()]
    )
    query = (
        select(
            _ROW.id,
            _ROW.athlete_id,
            _ROW.date,
            shown_status,
            _ROW.recommendation[("session", "kind")].as_string(),
            _ROW.recommendation[("session", "program")].as_string(),
            _ROW.recommendation[("session", "intensity")].as_string(),
            CheckInRow.data,
            CheckInRow.upcoming,
            _ROW.attention,
            _ROW.recommendation["progressions"],
            _ROW.recommendation["load_changes"],
        )
        .join(CheckInRow, CheckInRow.id == _ROW.checkin_id)
        .join(AthleteRow, AthleteRow.id == _ROW.athlete_id)
        .where(*_conditions(scope, status, flag))
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    with store.reading() as session:
        return [
            TriageRow(
                id=row[0],
                athlete_id=row[1],
                date=row[2],
                status=row[3],
                session_kind=row[4],
                session_program=row[5],
                session_intensity=row[6],
                checkin=dict(row[7] or {}),
                upcoming=list(row[8] or []),
                attention=int(row[9] or 0),
                progressions=list(row[10] or []),
                load_changes=list(row[11] or []),
            )
            for row in session.execute(query)
        ]


@dataclass(frozen=True)
class TriageCounts:
    """What the top of the queue says: how many are pending (and of those, how many need
    attention), lapsed, and decided, and the pending ones per athlete."""

    pending: int
    attention: int
    lapsed: int
    decided: dict[str, int]
    per_athlete: dict[str, int]
    matching: int  # rows of the list shown (its status and flag), over all pages


def triage_counts(
    store: Store, scope: TriageScope, status: str = "pending", flag: str | None = None
) -> TriageCounts:
    """Every count of the top of the queue: the pending rows split by day (each athlete's
    today) on the status index, the decided ones by status without touching the athletes."""
    past = _ROW.date < _today_of_athlete(scope)
    flagged = _flag_condition(flag, scope) if flag is not None else literal(True)
    access = _conditions(scope, ALL)[1:]  # the coach's athletes and the filters, no status
    row_status = _status(scope)
    decided_statuses = ("approved", "amended", "rejected")
    with store.reading() as session:
        pending_rows = session.execute(
            select(
                past,
                func.count(),
                func.sum(case((_needs_attention(scope), 1), else_=0)),
                func.sum(case((flagged, 1), else_=0)),
            )
            .join(AthleteRow, AthleteRow.id == _ROW.athlete_id)
            .where(row_status == "pending", *access)
            .group_by(past)
        ).all()
        decided_rows = session.execute(
            select(_ROW.status, func.count())
            .where(row_status.in_(decided_statuses), *access)
            .group_by(_ROW.status)
        ).all()
        per_athlete = session.execute(
            select(_ROW.athlete_id, func.count())
            .join(AthleteRow, AthleteRow.id == _ROW.athlete_id)
            .where(*_conditions(scope, "pending"))
            .group_by(_ROW.athlete_id)
            .order_by(func.count().desc(), _ROW.athlete_id)
        ).all()
        matching = None
        if status not in ("pending", LAPSED):
            matching = session.execute(
                select(func.count())
                .select_from(_ROW)
                .join(AthleteRow, AthleteRow.id == _ROW.athlete_id)
                .where(*_conditions(scope, status, flag))
            ).scalar_one()
    pending = attention = lapsed = 0
    shown = {False: 0, True: 0}
    for is_past, count, needing, flagged_count in pending_rows:
        shown[bool(is_past)] = int(flagged_count or 0)
        if is_past:
            lapsed = int(count)
        else:
            pending, attention = int(count), int(needing or 0)
    return TriageCounts(
        pending=pending,
        attention=attention,
        lapsed=lapsed,
        decided={row_status: int(count) for row_status, count in decided_rows},
        per_athlete={athlete: int(count) for athlete, count in per_athlete},
        matching=int(matching) if matching is not None else shown[status == LAPSED],
    )
