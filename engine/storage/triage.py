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
from collections.abc import Collection
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.types import JSON, Boolean, Date, DateTime, Integer, String

from engine.contract.calendar import CalendarEntry
from engine.storage.schema import AthleteRow, CheckInRow, RecommendationRow
from engine.storage.store import Store
from engine.storage.triage_columns import BITS
from engine.storage.triage_model import (
    ALL,
    DECIDED,
    DECIDED_COUNTS,
    FLAGS,
    LAPSED,
    MATCHING,
    PENDING_COUNTS,
    PER_ATHLETE,
    ROWS,
    TriageCounts,
    TriageRow,
    TriageScope,
    TriageShape,
    shape_of,
    triage_counts_of,
    triage_parameters,
    triage_row,
)

__all__ = [
    "ALL",
    "FLAGS",
    "LAPSED",
    "TriageCounts",
    "TriageRow",
    "TriageScope",
    "triage_counts",
    "triage_rows",
    "zones_in_scope",
]

_ROW = RecommendationRow


def _date(name: str) -> BindParameter[dt.date]:
    return bindparam(name, type_=Date)


def zones_statement(athletes: bool) -> Select[*tuple[Any, ...]]:
    """The time zones of the athletes in scope (every athlete's, or ``:athletes``)."""
    query = select(AthleteRow.timezone).distinct()
    if athletes:
        query = query.where(AthleteRow.id.in_(bindparam("athletes", expanding=True)))
    return query


def zones_in_scope(store: Store, scope_athletes: Collection[str] | None) -> set[str | None]:
    """The time zones of the athletes in scope (one small read, before the page)."""
    values = {} if scope_athletes is None else {"athletes": list(scope_athletes)}
    with store.reading() as session:
        return set(session.scalars(zones_statement(scope_athletes is not None), values))


def _today_of_athlete(shape: TriageShape) -> ColumnElement[Any]:
    """The athlete's today, as an SQL expression over their time zone."""
    whens = [
        (AthleteRow.timezone == bindparam(f"zone_{index}", type_=String), _date(f"today_{index}"))
        for index in range(shape.zones)
    ]
    return case(*whens, else_=_date("server_today")) if whens else _date("server_today")


def _gate() -> BindParameter[int]:
    return bindparam("gate", type_=Integer)


def _needs_attention() -> ColumnElement[bool]:
    return or_(_ROW.attention != 0, _ROW.recovery_pct < _gate())


def _flag_condition(flag: str) -> ColumnElement[bool]:
    if flag == "readiness":
        return _ROW.recovery_pct < _gate()
    if flag == "attention":
        return _needs_attention()
    bits: ColumnElement[bool] = _ROW.attention.op("&")(BITS[flag]) != 0
    return bits


def _status(shape: TriageShape) -> ColumnElement[str]:
    """The status column as the conditions should use it. A coach's queue is narrowed by
    athlete first: wrapped in an expression, the status cannot lead the query planner to the
    (status, date) index, which would walk every athlete's decided history to find one
    coach's rows (SQLite keeps no statistics to know better). Unscoped, the status index is
    the right way in."""
    if not shape.athletes and not shape.athlete_id:
        return _ROW.status.expression
    return func.lower(_ROW.status)  # statuses are lower case: the same values


def _conditions(shape: TriageShape, status: str, flag: str | None) -> list[ColumnElement[bool]]:
    past = _ROW.date < _today_of_athlete(shape)
    # The earliest and latest today over the zones bound the date on the index; the exact
    # per-zone comparison follows.
    row_status = _status(shape)
    if status == "pending":
        conditions = [row_status == "pending", _ROW.date >= _date("earliest"), not_(past)]
    elif status == LAPSED:
        conditions = [row_status == "pending", _ROW.date < _date("latest"), past]
    elif status == ALL:
        conditions = [row_status != "superseded"]
    else:
        conditions = [row_status == bindparam("status", type_=String)]
    if shape.athletes:
        conditions.append(_ROW.athlete_id.in_(bindparam("athletes", expanding=True)))
    if shape.athlete_id:
        conditions.append(_ROW.athlete_id == bindparam("athlete_id", type_=String))
    if shape.since:
        conditions.append(_ROW.date >= _date("since"))
    if shape.until:
        conditions.append(_ROW.date <= _date("until"))
    if flag is not None:
        conditions.append(_flag_condition(flag))
    return conditions


@lru_cache(maxsize=64)
def triage_statements(shape: TriageShape) -> dict[str, Select[*tuple[Any, ...]]]:
    """The statements of a page of this shape: built from the shape alone, so that every
    value is a named parameter (:func:`engine.storage.triage_model.triage_parameters`)."""
    status, flag = shape.status, shape.flag
    today = _today_of_athlete(shape)
    shown_status = case(
        (and_(_ROW.status == "pending", _ROW.date < today), LAPSED), else_=_ROW.status
    )
    attention_first = case((_needs_attention(), 0), else_=1)
    order = (
        [_ROW.date, attention_first, _ROW.athlete_id, _ROW.id]
        if status == "pending"
        else [_ROW.date.desc(), attention_first, _ROW.id.desc()]
    )
    statements: dict[str, Select[*tuple[Any, ...]]] = {
        ROWS: select(
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
        .where(*_conditions(shape, status, flag))
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    }
    past = _ROW.date < today
    flagged = _flag_condition(flag) if flag is not None else literal(True, Boolean)
    access = _conditions(shape, ALL, None)[1:]  # the coach's athletes and the filters, no status
    row_status = _status(shape)
    statements[PENDING_COUNTS] = (
        select(
            past,
            func.count(),
            func.sum(case((_needs_attention(), 1), else_=0)),
            func.sum(case((flagged, 1), else_=0)),
        )
        .join(AthleteRow, AthleteRow.id == _ROW.athlete_id)
        .where(row_status == "pending", *access)
        .group_by(past)
    )
    statements[DECIDED_COUNTS] = (
        select(_ROW.status, func.count())
        .where(row_status.in_(DECIDED), *access)
        .group_by(_ROW.status)
    )
    statements[PER_ATHLETE] = (
        select(_ROW.athlete_id, func.count())
        .join(AthleteRow, AthleteRow.id == _ROW.athlete_id)
        .where(*_conditions(shape, "pending", None))
        .group_by(_ROW.athlete_id)
        .order_by(func.count().desc(), _ROW.athlete_id)
    )
    if status not in ("pending", LAPSED):
        statements[MATCHING] = (
            select(func.count())
            .select_from(_ROW)
            .join(AthleteRow, AthleteRow.id == _ROW.athlete_id)
            .where(*_conditions(shape, status, flag))
        )
    return statements


def triage_rows(
    store: Store,
    scope: TriageScope,
    status: str = "pending",
    flag: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[TriageRow]:
    """One page of the list, in triage order."""
    shape, _ = shape_of(scope, status, flag)
    values = triage_parameters(scope, status, limit, offset)
    with store.reading() as session:
        return [triage_row(row) for row in session.execute(triage_statements(shape)[ROWS], values)]


def triage_counts(
    store: Store, scope: TriageScope, status: str = "pending", flag: str | None = None
) -> TriageCounts:
    """Every count of the top of the queue: the pending rows split by day (each athlete's
    today) on the status index, the decided ones by status without touching the athletes."""
    shape, _ = shape_of(scope, status, flag)
    statements = triage_statements(shape)
    values = triage_parameters(scope, status)
    with store.reading() as session:
        pending_rows = session.execute(statements[PENDING_COUNTS], values).all()
        decided_rows = session.execute(statements[DECIDED_COUNTS], values).all()
        per_athlete = session.execute(statements[PER_ATHLETE], values).all()
        matching = (
            session.execute(statements[MATCHING], values).scalar_one()
            if MATCHING in statements
            else None
        )
    return triage_counts_of(status, pending_rows, decided_rows, per_athlete, matching)


def _compiled(statement: Select[*tuple[Any, ...]], dialect: Dialect) -> dict[str, Any] | None:
    """A statement as :mod:`engine.storage.sqlite_triage` runs it: SQLAlchemy's SQL text, its
    parameters in order (named ones given at run time: dates as the Date type binds them; the
    statement's own constants as SQLAlchemy binds them), and each result column's conversion.
    None for anything that reader could not run exactly as SQLAlchemy does."""
    compiled = statement.compile(dialect=dialect)
    names = list(compiled.positiontup or [])
    constants: dict[str, Any] = {}
    dates: list[str] = []
    expanding: list[str] = []
    for name in dict.fromkeys(names):
        bind = compiled.binds[name]
        processor = bind.type._cached_bind_processor(dialect)
        if bind.expanding:
            if processor is not None:
                return None
            expanding.append(name)
            if not bind.required:  # a list of the statement's own (the decided statuses)
                items = list(bind.value or [])
                if not all(isinstance(item, str | int) for item in items):
                    return None
                constants[name] = items
        elif bind.required:  # a named parameter (triage_parameters)
            if isinstance(bind.type, Date):
                dates.append(name)
            elif processor is not None:
                return None
        else:  # a constant of the statement (its shape), bound once here
            value = processor(bind.value) if processor is not None else bind.value
            if value is not None and not isinstance(value, str | int | float):
                return None
            constants[name] = value
    columns: list[str] = []
    for column in statement.selected_columns:
        kind = column.type
        if kind._cached_result_processor(dialect, None) is None:
            columns.append("plain")
        elif isinstance(kind, Date) and not isinstance(kind, DateTime):
            columns.append("date")
        elif isinstance(kind, JSON):
            columns.append("json")
        elif isinstance(kind, Boolean):
            columns.append("bool")
        else:
            return None
    return {
        "sql": compiled.string,
        "names": names,
        "expanding": expanding,
        "dates": dates,
        "constants": constants,
        "columns": columns,
    }


def remember_statements(store: Store, scope: TriageScope, status: str, flag: str | None) -> None:
    """Keep the statements of this page, as SQLAlchemy compiles them for this SQLite database,
    for the quick reader (:mod:`engine.storage.sqlite_triage`) of the next ``review list``."""
    from engine.storage import sqlite_triage
    from engine.storage.calendar import calendar_statement

    dialect = store.engine.dialect
    if dialect.name != "sqlite":
        return
    shape, _ = shape_of(scope, status, flag)
    wanted = {f"{shape.key}/{name}": query for name, query in triage_statements(shape).items()}
    athletes = scope.athletes is not None or scope.athlete_id is not None
    wanted[sqlite_triage.zones_key(athletes)] = zones_statement(athletes)
    wanted[sqlite_triage.CALENDAR_KEY] = calendar_statement()
    found: dict[str, dict[str, Any]] = {}
    for key, query in wanted.items():
        compiled = _compiled(query, dialect)
        if compiled is None:
            return
        found[key] = compiled
    sqlite_triage.remember_statements(found)


class StoreTriageReads:
    """The queue's reads (engine.app.triage.TriageReads) on the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def zones(self, athletes: Collection[str] | None) -> set[str | None]:
        return zones_in_scope(self.store, athletes)

    def rows(
        self, scope: TriageScope, status: str, flag: str | None, limit: int, offset: int
    ) -> list[TriageRow]:
        return triage_rows(self.store, scope, status, flag, limit, offset)

    def counts(self, scope: TriageScope, status: str, flag: str | None) -> TriageCounts:
        return triage_counts(self.store, scope, status, flag)

    def calendars(self, athlete_ids: list[str]) -> dict[str, list[CalendarEntry]]:
        from engine.storage.calendar import entries_of

        return entries_of(self.store, athlete_ids)
