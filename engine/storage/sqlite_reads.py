"""The day's reads (an athlete's zone, the day's recommendation, the coach's amendment) on an
SQLite file through Python's own ``sqlite3``, for the commands people wait on (``today``).

Importing SQLAlchemy costs about 0.3 s of CPU, fifteen times a bare Python start, before any
work; these reads need three indexed SELECTs. The tables are still SQLAlchemy's
(:mod:`engine.storage.schema`, migrated by Alembic): this reader only reads, and only a
database the full store would open as it is. :func:`open_reads` returns None, and the caller
uses the store, for anything else:

- not a plain ``sqlite:///PATH`` URL, or no such file, or an empty one;
- a file the store would change or warn about on opening: files others can read (the store
  makes them owner-only), a directory or file that is not writable (the store opens those
  read-only its own way);
- a schema that is not the newest (the store migrates it).

A read that fails here (a damaged file, a row that no longer fits the models) raises
:class:`QuickReadFailed`; the caller redoes the command with the store, which names the
problem as every other command does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.contract.models import Session
from engine.storage.errors import NotFound
from engine.storage.location import HEAD_REVISION, VERSION_TABLE, resolve_url, sqlite_file
from engine.storage.records import StoredRecommendation, no_athlete
from engine.storage.row_ids import MAX_ROW_ID
from engine.storage.validated_documents import validated

BUSY_TIMEOUT_S = 15.0  # as the store waits for a writer (db.SQLITE_BUSY_TIMEOUT_MS)


class QuickReadFailed(Exception):
    """The quick read could not be trusted; the store must do it."""


def _private_and_writable(path: Path) -> bool:
    """What the store would open without changing or warning: owner-only files (the database
    and its WAL files), a writable file in a writable directory."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = os.stat(file).st_mode
        except FileNotFoundError:
            continue
        if stat.S_IMODE(mode) & 0o077:
            return False
    return os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)


def open_reads(url: str | None) -> SqliteReads | None:
    """A reader of the database at ``url`` (as ``--db`` names it), or None when the store
    must open it (see the module docstring)."""
    path = sqlite_file(resolve_url(url))
    if path is None:
        return None
    try:
        if not path.is_file() or path.stat().st_size == 0 or not _private_and_writable(path):
            return None
        connection = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S
        )
    except (OSError, sqlite3.Error):
        return None
    try:
        revision = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
    except sqlite3.Error:
        connection.close()
        return None
    if revision != [(HEAD_REVISION,)]:
        connection.close()
        return None
    return SqliteReads(connection)


def _json(text: Any) -> Any:
    return json.loads(text) if isinstance(text, str) else text


class SqliteReads:
    """The reads of :class:`~engine.storage.store.Store` and
    :class:`~engine.storage.reviews.ReviewStore` that ``today`` needs, with the same results
    and the same refusals (:class:`NotFound` with the same words)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def _rows(self, sql: str, *parameters: Any) -> list[Any]:
        try:
            return self.connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise QuickReadFailed(str(error)) from error

    def athlete_timezone(self, athlete_id: str) -> str | None:
        rows = self._rows("SELECT timezone FROM athletes WHERE id = ?", athlete_id)
        if not rows:
            raise NotFound(no_athlete(athlete_id))
        zone: str | None = rows[0][0]
        return zone

    def recommendation_for(self, athlete_id: str, day: dt.date) -> StoredRecommendation | None:
        """The current (not superseded) recommendation of that day."""
        self.athlete_timezone(athlete_id)  # NotFound for an unknown athlete, as the store
        rows = self._rows(
            "SELECT id, athlete_id, date, status, rules_version, recommendation, request,"
            " created_at FROM recommendations WHERE athlete_id = ? AND date = ?"
            " AND status != 'superseded' ORDER BY id DESC LIMIT 1",
            athlete_id,
            day.isoformat(),
        )
        if not rows:
            return None
        rec_id, athlete, date, status, version, recommendation, request, created = rows[0]
        try:
            return StoredRecommendation(
                id=int(rec_id),
                athlete_id=str(athlete),
                date=dt.date.fromisoformat(date),
                status=str(status),
                rules_version=str(version),
                recommendation=validated(_json(recommendation)),
                request=_json(request),
                created_at=dt.datetime.fromisoformat(created),
            )
        except (ValueError, TypeError, ValidationError) as error:
            raise QuickReadFailed(str(error)) from error

    def review_state(self, recommendation_id: int) -> tuple[Session | None, str | None]:
        """The coach's amended session and note, if any."""
        rows = (
            self._rows(
                "SELECT amended_session, coach_note FROM recommendations WHERE id = ?",
                recommendation_id,
            )
            if 1 <= recommendation_id <= MAX_ROW_ID
            else []
        )
        if not rows:
            raise NotFound(f"no such recommendation: {recommendation_id}")
        amended, note = _json(rows[0][0]), rows[0][1]
        try:
            return (Session.model_validate(amended) if amended else None), note
        except ValidationError as error:
            raise QuickReadFailed(str(error)) from error

    def close(self) -> None:
        self.connection.close()
