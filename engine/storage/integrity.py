"""Is the SQLite file sound? SQLite's own check, and when a write must run it first.

A write into a damaged file is reported as a success and can spread the damage, so the store
checks the file before a command's first write (and again after a write fails). The check
reads every page, so its cost grows with the file (about 0.2 s per 45 MB measured on this
shared 2-core machine): a file up to :data:`CHECK_EVERY_WRITE_BYTES` is checked before every
write command; a larger one when its last passed check (recorded in ``integrity_checks``) is
older than :data:`LARGE_CHECK_INTERVAL`, or the file is smaller than it was then. A scheduled
``runstrong db check`` records its pass too, so it takes that cost off the writes.

PostgreSQL checks its own pages (checksums, WAL), so there is nothing to run there.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import DBAPIError

from engine.storage.schema import IntegrityCheckRow, utcnow

# Under this size the check costs at most ~0.15 s here: run it before every write command.
CHECK_EVERY_WRITE_BYTES = 32 * 2**20
# A larger file: at most one full scan per day by a write (the rest by 'runstrong db check').
LARGE_CHECK_INTERVAL = dt.timedelta(hours=24)
READ_ONLY_OPTION = "runstrong_read_only"  # the same option as db.READ_ONLY_OPTION


def damaged_message(label: str, problem: str) -> str:
    return (
        f"the database {label} is damaged ({problem}); nothing was written to it. To recover, "
        "restore your last copy from 'runstrong db backup', or rebuild what can still be read "
        f"with: sqlite3 {label} .recover | sqlite3 repaired.db"
    )


def sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        return None
    return Path(database)


def integrity_problems(engine: Engine, full: bool = False) -> list[str]:
    """What SQLite's own check finds wrong with the file ([] when sound).

    ``quick_check`` reads every page but does not match index entries to rows;
    ``integrity_check`` (``full``) does that too.
    """
    if engine.dialect.name != "sqlite":
        return []
    pragma = "integrity_check" if full else "quick_check"
    try:
        with engine.connect() as connection:
            connection.execution_options(**{READ_ONLY_OPTION: True})
            rows = connection.exec_driver_sql(f"PRAGMA {pragma}").scalars().all()
    except DBAPIError as error:
        return [str(error.orig).splitlines()[0] if error.orig is not None else str(error)]
    return [] if list(rows) == ["ok"] else [str(row) for row in rows]


def write_needs_check(engine: Engine) -> bool:
    """Whether a write command must run the check before it writes (see the module doc)."""
    path = sqlite_file(engine)
    if path is None:
        return False
    size = path.stat().st_size
    if size <= CHECK_EVERY_WRITE_BYTES:
        return True
    try:
        with engine.connect() as connection:
            connection.execution_options(**{READ_ONLY_OPTION: True})
            last = connection.execute(
                select(IntegrityCheckRow.checked_at, IntegrityCheckRow.file_bytes)
                .order_by(IntegrityCheckRow.id.desc())
                .limit(1)
            ).first()
    except DBAPIError:
        return True  # the check itself will say what is wrong
    if last is None:
        return True
    stale: bool = utcnow() - last.checked_at > LARGE_CHECK_INTERVAL
    return stale or size < last.file_bytes


def record_pass(engine: Engine) -> None:
    """Remember that the check passed (large files only: small ones are checked every time)."""
    path = sqlite_file(engine)
    if path is None or path.stat().st_size <= CHECK_EVERY_WRITE_BYTES:
        return
    with engine.begin() as connection:
        connection.execute(insert(IntegrityCheckRow).values(file_bytes=path.stat().st_size))
        # One row is all that is read; keep the table from growing.
        newest = select(func.max(IntegrityCheckRow.id)).scalar_subquery()
        connection.execute(delete(IntegrityCheckRow).where(IntegrityCheckRow.id < newest))
