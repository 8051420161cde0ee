"""What the store refuses, and why: every error names the record or the database.

All are :class:`StoreError`, a :class:`~engine.contract.errors.UserError`: a command reports
a missing, damaged, read-only or full database as it reports bad input (exit 2), in one line.
"""

from __future__ import annotations

from engine.contract.errors import UserError


class StoreError(UserError):
    """A request the store refuses; the message says why and names the record."""


class NotFound(StoreError):
    pass


class AlreadyExists(StoreError):
    pass


class DatabaseMissing(StoreError):
    """The database named does not exist and the command does not create one."""


class DatabaseDamaged(StoreError):
    """The database file fails its integrity check (or is not a database at all)."""


class DatabaseReadOnly(StoreError):
    """The database can be read but not written (a read-only file, directory or filesystem)."""


class DatabaseFull(StoreError):
    """The disk (or the database's size limit) is full; the transaction was rolled back."""


class DatabaseUnavailable(StoreError):
    """The database cannot be reached or opened (a bad URL, a server that is down)."""


class ValueTooLong(StoreError):
    """Text longer than its column holds (checked before writing, on every database)."""


class StoredDataInvalid(StoreError):
    """A stored row that does not fit the models any more (edited outside runstrong)."""
