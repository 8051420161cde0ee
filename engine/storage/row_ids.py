"""Rows by id: which ids can name a row at all, and the read of one row for a write that
depends on what it reads.

Free of SQLAlchemy at run time, so that the quick reads (:mod:`engine.storage.sqlite_reads`)
share the same bound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Row ids are INTEGER columns (32-bit on PostgreSQL); a larger number names no row, and
# passing it on would overflow the driver instead.
MAX_ROW_ID = 2**31 - 1

_Row = TypeVar("_Row")


def row_by_id(session: Session, model: type[_Row], row_id: int, lock: bool = False) -> _Row | None:
    """The row by id, or None for an id no INTEGER column can hold. With ``lock``,
    ``SELECT ... FOR UPDATE``: on PostgreSQL that makes a second writer of the same row wait for
    the first to commit and then read the row as the first left it, as SQLite's BEGIN IMMEDIATE
    does for every write (where SQLAlchemy leaves FOR UPDATE out: the whole database is already
    locked)."""
    if not 1 <= row_id <= MAX_ROW_ID:
        return None
    return session.get(model, row_id, with_for_update=lock, populate_existing=lock)
