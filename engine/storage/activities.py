"""Imported activities: one session log per recorded activity, never two.

An activity is the same one when it has the same sport and starts within a window of an
activity already stored (a FIT file's session start and the first point of a GPX export of
the same run can differ by a few seconds), except that two activities of one file (two
tracks of a GPX, two sessions of a FIT) are never the same one unless they start together:
the file itself says they are two. Each import is its own transaction: the check and
the insert happen together, so an activity is stored whole or not at all. On SQLite, BEGIN
IMMEDIATE serialises two imports; on PostgreSQL, two imports of the identical activity at the
same moment are stopped by the unique constraint on (athlete, sport, start).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.contract.models import SessionLog
from engine.storage.athletes import athlete_row
from engine.storage.schema import SessionLogRow
from engine.storage.store import Store
from engine.storage.transactions import is_unique_violation


@dataclass(frozen=True)
class ActivityWrite:
    log_id: int
    created: bool  # False: the activity was already there (log_id is the stored one)


def _file_of(data: object) -> str | None:
    source = data.get("source") if isinstance(data, dict) else None
    file = source.get("file") if isinstance(source, dict) else None
    return file if isinstance(file, str) else None


def _naive_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


class ActivityStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _existing(
        self,
        store_session: Session,
        athlete_id: str,
        sport: str,
        start: dt.datetime,
        window_s: int,
        source_file: str | None,
    ) -> int | None:
        window = dt.timedelta(seconds=window_s)
        candidates = store_session.execute(
            select(SessionLogRow.id, SessionLogRow.started_at, SessionLogRow.data)
            .where(
                SessionLogRow.athlete_id == athlete_id,
                SessionLogRow.sport == sport,
                SessionLogRow.started_at >= start - window,
                SessionLogRow.started_at <= start + window,
            )
            .order_by(SessionLogRow.id)
        ).all()
        for log_id, started_at, data in candidates:
            if started_at != start and source_file is not None and _file_of(data) == source_file:
                continue  # another activity of the same file
            return int(log_id)
        return None

    def add_activity(
        self, athlete_id: str, log: SessionLog, sport: str, window_s: int
    ) -> ActivityWrite:
        """Store the activity's log, unless the same activity is already stored."""
        if log.start_time is None:
            raise ValueError("an imported activity needs its start time")
        start = _naive_utc(log.start_time)
        source_file = None if log.source is None else log.source.file
        try:
            with self.store.transaction() as session:
                athlete_row(session, athlete_id)
                found = self._existing(session, athlete_id, sport, start, window_s, source_file)
                if found is not None:
                    return ActivityWrite(found, created=False)
                row = SessionLogRow(
                    athlete_id=athlete_id,
                    date=log.date,
                    kind=log.kind,
                    program=log.program,
                    data=log.model_dump(mode="json", by_alias=True),
                    started_at=start,
                    sport=sport,
                )
                session.add(row)
                session.flush()
                return ActivityWrite(row.id, created=True)
        except IntegrityError as error:
            if not is_unique_violation(error):
                raise
        # Another import stored the identical activity between our check and our insert.
        with self.store.reading() as session:
            found = self._existing(session, athlete_id, sport, start, window_s, source_file)
        if found is None:
            raise RuntimeError("unique constraint hit, yet no matching activity is stored")
        return ActivityWrite(found, created=False)
