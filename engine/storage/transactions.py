"""The store's transactions: opening the database, one read or one write at a time, and every
database failure named in one line (full, damaged, read-only) instead of a driver's error.

The records (athletes, check-ins, recommendations, session logs) are written and read through
these transactions by the classes that make up :class:`~engine.storage.store.Store`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from pydantic import ValidationError
from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine.storage.db import READ_ONLY_OPTION, connect, database_error
from engine.storage.errors import (
    AlreadyExists,
    DatabaseDamaged,
    DatabaseFull,
    DatabaseReadOnly,
    StoredDataInvalid,
)
from engine.storage.integrity import (
    damaged_message,
    integrity_problems,
    record_pass,
    write_needs_check,
)
from engine.storage.lengths import check_lengths


class StoreBase:
    """A database and its transactions; each public method of the store is one of them, so it
    commits whole or not at all."""

    def __init__(
        self,
        engine: Engine,
        label: str | None = None,
        read_only_reason: str = "",
        warnings: tuple[str, ...] = (),
    ) -> None:
        self.engine = engine
        self.label = label or engine.url.render_as_string(hide_password=True)
        # Why writes are impossible ("" when they are not): see db._read_only_reason.
        self.read_only_reason = read_only_reason
        # Found on opening, for the user: e.g. a file mode that could not be tightened.
        self.warnings = warnings
        self._checked = False
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", check_lengths)

    @classmethod
    def open(cls, url: str | None = None, *, create: bool = False) -> Self:
        """The store of the database at ``url``; only ``create`` makes a new database."""
        database = connect(url, create=create)
        return cls(database.engine, database.label, database.read_only_reason, database.warnings)

    def close(self) -> None:
        """Close the database's pooled connections. The store opens new ones if used again;
        a long-lived process (a test run, a script using the API) should not leave them to
        the garbage collector, which on Python 3.13 warns for each SQLite file left open."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason)

    def check_sound(self) -> None:
        """Refuse to write into a damaged database (checked once per store, before its first
        write; see engine.storage.integrity for when a large file is checked)."""
        if self._checked:
            return
        if write_needs_check(self.engine):
            problems = integrity_problems(self.engine)
            if problems:
                raise DatabaseDamaged(damaged_message(self.label, problems[0]))
            record_pass(self.engine)
        self._checked = True

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A read-write transaction: commits at the end, or rolls back on an error.

        A failed write is one line naming the database (full, damaged), never half-written:
        the transaction is rolled back before the error leaves here.
        """
        if self.read_only:
            raise DatabaseReadOnly(
                f"cannot write to the database {self.label}: {self.read_only_reason}. Reading "
                "it works; copy it somewhere writable (or fix the permissions) to change it"
            )
        self.check_sound()
        try:
            with self._sessions.begin() as session:
                yield session
        except DBAPIError as error:
            raise self._write_failure(error) from error
        except ValidationError as error:
            raise self._unreadable(error) from error

    def _unreadable(self, error: ValidationError) -> StoredDataInvalid:
        """A stored row that no longer fits runstrong's models (edited by hand, damaged, or
        written by a newer version): named, as bad data, never a crash. Inside a transaction
        the write is rolled back."""
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "value"
        return StoredDataInvalid(
            f"the database {self.label} holds a {error.title} that runstrong cannot read "
            f"({where}: {first['msg']}; {error.error_count()} problem(s)); it was changed "
            "outside runstrong or by a newer version. Nothing was written"
        )

    def _write_failure(self, error: DBAPIError) -> Exception:
        if isinstance(error, IntegrityError):
            return error  # the caller's business (a duplicate, a missing athlete)
        message = str(error.orig).splitlines()[0] if error.orig is not None else str(error)
        if "full" in message.lower():  # SQLITE_FULL; PostgreSQL's "No space left on device"
            return DatabaseFull(
                f"the database {self.label} is full ({message}); nothing was written. Free "
                "some disk space and try again"
            )
        if "no space left" in message.lower():
            return DatabaseFull(f"the disk holding {self.label} is full; nothing was written")
        known = database_error(error, self.label)
        if known is not None:
            return known
        # Any other write error may come from damage the pre-write check could not see yet.
        self._checked = False
        problems = integrity_problems(self.engine)
        if problems:
            return DatabaseDamaged(damaged_message(self.label, problems[0]))
        return error

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction (on SQLite it takes no write lock)."""
        try:
            with self._sessions() as session:
                session.connection(execution_options={READ_ONLY_OPTION: True})
                yield session
        except DBAPIError as error:
            known = database_error(error, self.label)
            if known is None:
                raise
            raise known from error
        except ValidationError as error:
            raise self._unreadable(error) from error


@contextmanager
def refuse_duplicate(message: str) -> Iterator[None]:
    """A unique-constraint violation becomes :class:`AlreadyExists`. On PostgreSQL two
    transactions at once can both find no row and both insert it; the database refuses the
    second. (On SQLite, BEGIN IMMEDIATE serialises them and the checks in Python suffice.)
    """
    try:
        yield
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        raise AlreadyExists(message) from error


def is_unique_violation(error: IntegrityError) -> bool:
    return "unique" in str(error.orig).lower()
