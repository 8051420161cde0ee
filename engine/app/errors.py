"""What a use case refuses, for every front end to report in its own way.

The store's refusals (no such athlete, already checked in, already decided ...) are the app's
refusals too: front ends import them from here, never from ``engine.storage``, so the CLI and
the web app depend on the application layer alone. A refusal is never a crash: the CLI turns
it into a message and exit status 2, the web app into a 4xx page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.storage.errors import AlreadyExists, DatabaseUnavailable, NotFound, StoreError

if TYPE_CHECKING:
    from sqlalchemy.exc import DBAPIError as DatabaseError

# DatabaseUnavailable is the store's own class, re-exported: one class for "the database
# cannot be opened", so a front end catching it catches what the store raises.


class Breach(StoreError):
    """A coach's amendment breaks a safety rule (a constraint of that day, or an invariant)."""


__all__ = [
    "AlreadyExists",
    "Breach",
    "DatabaseError",
    "DatabaseUnavailable",
    "NotFound",
    "StoreError",
    "is_contention",
]


def __getattr__(name: str) -> Any:
    """``DatabaseError`` (SQLAlchemy's DBAPIError), imported when first asked for: importing
    SQLAlchemy costs more than a whole read-only command (``today``) may take."""
    if name == "DatabaseError":
        from sqlalchemy.exc import DBAPIError

        return DBAPIError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# SQLSTATEs of PostgreSQL's "try again" errors: serialization failure, deadlock, lock timeout.
_PG_RETRY_STATES = frozenset({"40001", "40P01", "55P03"})


def is_contention(error: BaseException) -> bool:
    """A database error that means "busy, try again": SQLite's lock wait ran out (``database
    is locked``), or PostgreSQL gave up on a lock. Nothing was written; the request can be
    retried as it is."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if getattr(original, "sqlstate", None) in _PG_RETRY_STATES:
        return True
    message = str(original if original is not None else error).lower()
    return "database is locked" in message or "database table is locked" in message
