"""Open the store a use case runs on. Front ends call this instead of touching storage."""

from __future__ import annotations

from engine.app.errors import DatabaseUnavailable, StoreError
from engine.storage.store import Store

__all__ = ["Store", "open_store"]


def open_store(url: str | None = None) -> Store:
    """The store at ``url`` (the default database when None), migrated to the newest schema.

    Raises :class:`DatabaseUnavailable` (never exits the process) when it cannot be opened.
    """
    try:
        return Store.open(url)
    except StoreError:
        raise
    except Exception as error:  # a bad URL, an unreachable server, a file that is no database
        raise DatabaseUnavailable(f"cannot open the database: {error}") from error
