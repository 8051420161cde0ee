"""The running calendar's rows: add, read and remove entries, each in one transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from engine.contract.calendar import CalendarEntry
from engine.storage.calendar_values import calendar_entry
from engine.storage.row_ids import MAX_ROW_ID
from engine.storage.schema import (
    AthleteRow,
    CalendarEntryRow,
    CheckInRow,
    RecommendationRow,
    utcnow,
)
from engine.storage.store import NotFound, Store


def _entry(row: CalendarEntryRow) -> CalendarEntry:
    return calendar_entry(row.id, row.rule, row.weekday, row.date, row.kind, row.at, row.source)


def calendar_statement() -> Select[*tuple[Any, ...]]:
    """The live entries of ``:athletes`` (a page of the review queue's), oldest first, each
    row the athlete and :func:`~engine.storage.calendar_values.calendar_entry`'s values. The
    quick reader of the queue runs it as SQLAlchemy compiled it (engine.storage.triage_sql)."""
    return (
        select(
            CalendarEntryRow.athlete_id,
            CalendarEntryRow.id,
            CalendarEntryRow.rule,
            CalendarEntryRow.weekday,
            CalendarEntryRow.date,
            CalendarEntryRow.kind,
            CalendarEntryRow.at,
            CalendarEntryRow.source,
        )
        .where(
            CalendarEntryRow.athlete_id.in_(bindparam("athletes", expanding=True)),
            CalendarEntryRow.removed_at.is_(None),
        )
        .order_by(CalendarEntryRow.id)
    )


def _same(row: CalendarEntryRow, entry: CalendarEntry) -> bool:
    return (row.rule, row.weekday, row.date, row.kind, row.at) == (
        entry.rule,
        entry.weekday,
        entry.date,
        entry.kind,
        entry.at.strftime("%H:%M") if entry.at else None,
    )


def _require_athlete(session: Session, athlete_id: str) -> None:
    if session.get(AthleteRow, athlete_id) is None:
        raise NotFound(f"no athlete {athlete_id!r}; add one with 'runstrong athlete add'")


def add_entries(store: Store, athlete_id: str, entries: list[CalendarEntry]) -> list[int]:
    """Store new entries (an identical live entry is not stored twice); their ids."""
    ids: list[int] = []
    with store.transaction() as session:
        _require_athlete(session, athlete_id)
        live = list(
            session.scalars(
                select(CalendarEntryRow).where(
                    CalendarEntryRow.athlete_id == athlete_id, CalendarEntryRow.removed_at.is_(None)
                )
            )
        )
        for entry in entries:
            existing = next((row for row in live if _same(row, entry)), None)
            if existing is not None:
                ids.append(existing.id)
                continue
            row = CalendarEntryRow(
                athlete_id=athlete_id,
                rule=entry.rule,
                weekday=entry.weekday,
                date=entry.date,
                kind=entry.kind,
                at=entry.at.strftime("%H:%M") if entry.at else None,
                source=entry.source,
            )
            session.add(row)
            session.flush()
            live.append(row)
            ids.append(row.id)
    return ids


def entries(store: Store, athlete_id: str) -> list[CalendarEntry]:
    """The athlete's live entries, oldest first."""
    with store.reading() as session:
        _require_athlete(session, athlete_id)
        rows = session.scalars(
            select(CalendarEntryRow)
            .where(CalendarEntryRow.athlete_id == athlete_id, CalendarEntryRow.removed_at.is_(None))
            .order_by(CalendarEntryRow.id)
        )
        return [_entry(row) for row in rows]


def entries_of(store: Store, athlete_ids: list[str]) -> dict[str, list[CalendarEntry]]:
    """The live entries of several athletes in one read (a page of the review queue)."""
    found: dict[str, list[CalendarEntry]] = {athlete_id: [] for athlete_id in athlete_ids}
    if not athlete_ids:
        return found
    with store.reading() as session:
        for athlete_id, *values in session.execute(calendar_statement(), {"athletes": athlete_ids}):
            found[athlete_id].append(calendar_entry(*values))
    return found


def remove_entries(store: Store, athlete_id: str, entry_ids: list[int]) -> None:
    """Mark entries removed; all or none (an unknown id removes nothing)."""
    with store.transaction() as session:
        _require_athlete(session, athlete_id)
        rows = {
            row.id: row
            for row in session.scalars(
                select(CalendarEntryRow).where(
                    CalendarEntryRow.athlete_id == athlete_id,
                    CalendarEntryRow.removed_at.is_(None),
                    # An id no INTEGER column holds is simply not there (never sent to SQL).
                    CalendarEntryRow.id.in_([i for i in entry_ids if 1 <= i <= MAX_ROW_ID]),
                )
            )
        }
        missing = [str(entry_id) for entry_id in entry_ids if entry_id not in rows]
        if missing:
            raise NotFound(f"athlete {athlete_id!r} has no calendar entry {', '.join(missing)}")
        now = utcnow()
        for row in rows.values():
            row.removed_at = now


def checkin_upcoming(store: Store, recommendation_ids: list[int]) -> dict[int, list[Any]]:
    """The upcoming runs each recommendation's check-in was evaluated with, as stored (JSON),
    read without loading the recommendations themselves."""
    if not recommendation_ids:
        return {}
    with store.reading() as session:
        rows = session.execute(
            select(RecommendationRow.id, CheckInRow.upcoming)
            .join(CheckInRow, CheckInRow.id == RecommendationRow.checkin_id)
            .where(RecommendationRow.id.in_(recommendation_ids))
        )
        return {row_id: list(upcoming or []) for row_id, upcoming in rows}
