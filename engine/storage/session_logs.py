"""Session logs: completed sessions, versioned. An edit adds a new version and keeps the old
one (superseded); a delete marks the log deleted. Only current versions make the history the
engine sees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.contract.models import SessionLog
from engine.storage.athletes import athlete_row
from engine.storage.errors import AlreadyExists, NotFound
from engine.storage.row_ids import row_by_id
from engine.storage.schema import SessionLogRow, document, utcnow
from engine.storage.transactions import StoreBase


@dataclass(frozen=True)
class StoredLog:
    """One version of a logged session, with where it stands."""

    id: int
    athlete_id: str
    status: str  # current | superseded | deleted
    log: SessionLog
    superseded_by: int | None
    created_at: dt.datetime
    changed_at: dt.datetime | None


def _stored_log(row: SessionLogRow) -> StoredLog:
    return StoredLog(
        id=row.id,
        athlete_id=row.athlete_id,
        status=row.status,
        log=SessionLog.model_validate(row.data),
        superseded_by=row.superseded_by,
        created_at=row.created_at,
        changed_at=row.changed_at,
    )


def _add_log(session: Session, athlete_id: str, log: SessionLog) -> int:
    row = SessionLogRow(
        athlete_id=athlete_id,
        date=log.date,
        kind=log.kind,
        program=log.program,
        data=document(log),
        status="current",
    )
    session.add(row)
    session.flush()
    return row.id


def _current_logs(session: Session, athlete_id: str, day: dt.date) -> list[SessionLogRow]:
    return list(
        session.scalars(
            select(SessionLogRow).where(
                SessionLogRow.athlete_id == athlete_id,
                SessionLogRow.date == day,
                SessionLogRow.status == "current",
            )
        )
    )


def _log_row(session: Session, log_id: int, lock: bool = False) -> SessionLogRow:
    row = row_by_id(session, SessionLogRow, log_id, lock)
    if row is None:
        raise NotFound(f"no session log #{log_id}")
    return row


def _changeable_log(session: Session, log_id: int) -> SessionLogRow:
    # Locked: two edits at once must not both find it current and both supersede it.
    row = _log_row(session, log_id, lock=True)
    if row.status == "superseded":
        raise AlreadyExists(
            f"session log #{log_id} was edited into #{row.superseded_by}; change that one"
        )
    if row.status == "deleted":
        raise AlreadyExists(f"session log #{log_id} is deleted")
    return row


class SessionLogRecords(StoreBase):
    def log_session(self, athlete_id: str, log: SessionLog, again: bool = False) -> int:
        """Store a completed session; return its id.

        An identical session already logged that day is refused (an accidental repeat is
        commoner than a real double day) unless ``again`` is given.
        """
        with self.transaction() as session:
            athlete_row(session, athlete_id)
            if not again:
                stored_document = document(log)
                for row in _current_logs(session, athlete_id, log.date):
                    if row.data == stored_document:
                        raise AlreadyExists(
                            f"{athlete_id} already logged this {log.kind} session on {log.date} "
                            f"(#{row.id}); give --again to log it a second time"
                        )
            return _add_log(session, athlete_id, log)

    def get_log(self, log_id: int) -> StoredLog:
        with self.reading() as session:
            return _stored_log(_log_row(session, log_id))

    def logs(
        self,
        athlete_id: str,
        since: dt.date | None = None,
        until: dt.date | None = None,
        include_old: bool = False,
    ) -> list[StoredLog]:
        """An athlete's logs by date; with ``include_old``, superseded and deleted ones too."""
        with self.reading() as session:
            athlete_row(session, athlete_id)
            query = select(SessionLogRow).where(SessionLogRow.athlete_id == athlete_id)
            if not include_old:
                query = query.where(SessionLogRow.status == "current")
            if since is not None:
                query = query.where(SessionLogRow.date >= since)
            if until is not None:
                query = query.where(SessionLogRow.date <= until)
            rows = session.scalars(query.order_by(SessionLogRow.date, SessionLogRow.id))
            return [_stored_log(row) for row in rows]

    def edit_log(self, log_id: int, log: SessionLog) -> int:
        """Store ``log`` as the new version of log ``log_id``; the old row is kept, marked
        superseded. Returns the new version's id."""
        with self.transaction() as session:
            row = _changeable_log(session, log_id)
            # An imported activity's identity (sport, start) moves to the new version, so a
            # second import of the same file still finds it (and the unique key holds).
            started_at, sport = row.started_at, row.sport
            row.started_at, row.sport = None, None
            session.flush()
            new_id = _add_log(session, row.athlete_id, log)
            added = session.get(SessionLogRow, new_id)
            assert added is not None
            added.started_at, added.sport = started_at, sport
            row.status = "superseded"
            row.superseded_by = new_id
            row.changed_at = utcnow()
            return new_id

    def delete_log(self, log_id: int) -> StoredLog:
        """Mark a log deleted: it leaves the history the engine sees, and stays readable."""
        with self.transaction() as session:
            row = _changeable_log(session, log_id)
            row.status = "deleted"
            row.changed_at = utcnow()
            session.flush()
            return _stored_log(row)

    def sessions(
        self, athlete_id: str, until: dt.date | None = None, since: dt.date | None = None
    ) -> list[SessionLog]:
        """The current version of every logged session (none superseded or deleted)."""
        with self.reading() as session:
            query = select(SessionLogRow).where(
                SessionLogRow.athlete_id == athlete_id, SessionLogRow.status == "current"
            )
            if until is not None:
                query = query.where(SessionLogRow.date <= until)
            if since is not None:
                query = query.where(SessionLogRow.date >= since)
            rows = session.scalars(query.order_by(SessionLogRow.date, SessionLogRow.id))
            return [SessionLog.model_validate(row.data) for row in rows]
