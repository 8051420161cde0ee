"""The database as the commands see it: open it (creating it only when asked), check it, back
it up. The CLI goes through here rather than importing storage itself."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from engine.app.errors import DatabaseUnavailable
from engine.storage.db import connect, current_revision, describe, resolve_url
from engine.storage.errors import DatabaseMissing, StoreError
from engine.storage.integrity import integrity_problems, record_pass
from engine.storage.listing import CURRENT, RecommendationFilter, recommendation_digests
from engine.storage.store import Store

if TYPE_CHECKING:
    from engine.app.history import RecommendedDay

__all__ = [
    "CheckReport",
    "DatabaseMissing",
    "Store",
    "StoreError",
    "backup",
    "check",
    "open_store",
    "recommended_days_between",
]


def open_store(url: str | None, create: bool = False) -> Store:
    """The store of ``url`` (``--db``, ``RUNSTRONG_DB`` or the default file). Without
    ``create`` a database that does not exist is an error naming where it was looked for."""
    try:
        return Store.open(url, create=create)
    except StoreError:
        raise
    except Exception as error:  # a bad URL, an unreachable server, a file that is no database
        raise DatabaseUnavailable(f"cannot open the database: {error}") from error


def recommended_days_between(
    store: Store, athlete_id: str, since: dt.date, until: dt.date
) -> list[RecommendedDay]:
    """The recommended session kind and review status of each day in the window, read from
    SQL without loading the recommendations themselves."""
    from engine.app.history import RecommendedDay  # its rich import is for history only

    which = RecommendationFilter(CURRENT, athlete_id, since, until)
    return [
        RecommendedDay(digest.date, digest.session_kind, digest.status)
        for digest in recommendation_digests(store, which)
    ]


@dataclass(frozen=True)
class CheckReport:
    label: str
    backend: str
    revision: str | None
    read_only: bool
    problems: list[str]

    @property
    def sound(self) -> bool:
        return not self.problems


def check(url: str | None, full: bool = False) -> CheckReport:
    """SQLite's own check of every page (``full``: and every index entry). Scheduled daily on
    a large database, it keeps that scan off the writes (see engine.storage.integrity)."""
    database = connect(url)
    try:
        problems = integrity_problems(database.engine, full=full)
        if not problems and not database.read_only:
            record_pass(database.engine)  # spares the next writes of a large file the scan
        return CheckReport(
            label=database.label,
            backend=database.engine.dialect.name,
            revision=current_revision(database.engine),
            read_only=database.read_only,
            problems=problems,
        )
    finally:
        database.engine.dispose()


PARTIAL_SUFFIX = ".partial"


def _remove_abandoned_partials(target: Path) -> None:
    """Delete the partial files of backups to ``target`` that were killed: their writer's lock
    is gone, so this process can take it."""
    for leftover in target.parent.glob(f".{target.name}*{PARTIAL_SUFFIX}"):
        try:
            with leftover.open("rb") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                leftover.unlink()
        except OSError:
            continue  # still being written, or not ours to remove


def backup(url: str | None, target: Path) -> CheckReport:
    """Copy a live SQLite database to ``target`` with SQLite's online backup (consistent even
    while others write), owner-only like the original, then check the copy.

    The copy is written next to ``target`` and linked into place, so ``target`` is either
    the whole copy or absent, and never overwritten. PostgreSQL has its own tool for this (pg_dump).
    """
    resolved = resolve_url(url)
    if make_url(resolved).get_backend_name() != "sqlite":
        raise StoreError(
            f"{describe(resolved)} is a PostgreSQL database: back it up with pg_dump, e.g. "
            "pg_dump --format=custom --file=runstrong.dump DBNAME"
        )
    if target.exists():
        raise StoreError(f"{target} already exists; choose a new file for the backup")
    if not target.parent.is_dir():
        raise StoreError(f"{target.parent} is not a directory")
    database = connect(resolved)
    _remove_abandoned_partials(target)
    try:
        # A partial file of its own, locked while it is written: a backup killed midway leaves
        # one behind, which blocks nothing and which the next backup removes (its lock died
        # with it); a backup still running keeps its lock, so its file is left alone.
        descriptor, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX, dir=target.parent
        )
    except OSError as error:
        database.engine.dispose()
        raise StoreError(f"cannot back up {database.label} to {target}: {error}") from error
    partial = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            source = database.engine.raw_connection()
            try:
                destination = sqlite3.connect(partial)
                try:
                    source.driver_connection.backup(destination)  # type: ignore[union-attr]
                finally:
                    destination.close()
            finally:
                source.close()
            # A hard link never replaces a file: a backup that finished first keeps its copy.
            os.link(partial, target)
        partial.unlink()
    except FileExistsError as error:
        partial.unlink(missing_ok=True)
        raise StoreError(f"{target} already exists; choose a new file for the backup") from error
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot back up {database.label} to {target}: {error}") from error
    finally:
        database.engine.dispose()
    return check(str(target))
