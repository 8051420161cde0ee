"""Open the database: where it is, whether it may be created, how SQLite is set up, whether
it is sound, and migrations on first use.

- The URL comes from ``--db``, else ``RUNSTRONG_DB``, else an SQLite file in the user's data
  directory (platformdirs). A plain file path means an SQLite file.
- Only a command that creates data on purpose opens with ``create=True``; any other command on
  a database that does not exist gets :class:`DatabaseMissing` naming the path (or the URL,
  password hidden), so a mistyped path never silently becomes a new, empty database.
- Athlete data is personal health data: a new SQLite file is created readable and writable by
  its owner only (mode 0600), before SQLite ever opens it, and an existing one that others can
  read is tightened to 0600 on open (or a warning says it could not be).
- SQLite runs in WAL mode with a busy timeout, so two check-ins at once (two processes) both
  succeed, and every transaction starts with ``BEGIN IMMEDIATE`` so a writer takes its lock at
  the start instead of failing half-way when it upgrades a read lock.
- A file in a directory we cannot write (a read-only mount, a shared folder) is opened
  read-only: WAL needs to create the ``-shm`` file next to it, so without this even reads fail.
- The schema is versioned with Alembic; opening upgrades it to the newest revision, keeping
  all data.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from engine.storage.errors import (
    DatabaseDamaged,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseUnavailable,
    StoreError,
)
from engine.storage.integrity import damaged_message
from engine.storage.location import DB_ENV as DB_ENV  # re-exported, as before
from engine.storage.location import HEAD_REVISION, VERSION_TABLE
from engine.storage.location import default_url as default_url
from engine.storage.location import resolve_url as resolve_url

# Execution option that marks a read-only transaction (see Store.reading).
READ_ONLY_OPTION = "runstrong_read_only"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
# PostgreSQL advisory lock held while migrating, so two processes opening a new database at
# once do not both create the tables (the second waits, then finds the schema up to date).
# SQLite needs none: BEGIN IMMEDIATE already serialises the migrating transactions.
PG_MIGRATION_LOCK = 0x72756E7374726F6E  # any fixed bigint; this is "runstron" in ASCII
# PostgreSQL's SQLSTATE for "database does not exist".
PG_INVALID_CATALOG = "3D000"
OWNER_ONLY = 0o600
CREATE_HINT = "check --db / RUNSTRONG_DB, or create it with 'runstrong init'"


def describe(url: str) -> str:
    """How messages name a database: the SQLite file's path, or the URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return str(parsed.database)
    return parsed.render_as_string(hide_password=True)


@dataclass(frozen=True)
class Database:
    """An opened database and what the store must know about it."""

    engine: Engine
    label: str  # the file path or the redacted URL, for messages
    read_only: bool = False
    # Why it is read-only, for the message a refused write shows.
    read_only_reason: str = ""
    # What the user should know but that does not stop the command (a file mode too loose).
    warnings: tuple[str, ...] = ()


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _create_sqlite_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Create it ourselves so it never exists, even for a moment, with looser permissions.
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY)
    except FileExistsError:
        return  # another process opening it for the first time created it just now
    try:
        os.fchmod(descriptor, OWNER_ONLY)  # whatever the umask
    finally:
        os.close(descriptor)


def _tighten_modes(path: Path) -> list[str]:
    """Files of an existing database that others can read become owner-only; the warnings
    say which could not be."""
    warnings = []
    for file in _sqlite_files(path):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
        except FileNotFoundError:
            continue
        if not mode & 0o077:
            continue
        try:
            os.chmod(file, OWNER_ONLY)
        except OSError as error:
            warnings.append(
                f"{file} is readable by other users (mode {mode:04o}) and could not be made "
                f"owner-only: {error.strerror or error}"
            )
    return warnings


def _read_only_reason(path: Path) -> str:
    """Why this file cannot be written, or "" when it can (file and directory both)."""
    if not os.access(path.parent, os.W_OK):
        return f"its directory {path.parent} is not writable (or is on a read-only filesystem)"
    if not os.access(path, os.W_OK):
        return "the file is not writable"
    return ""


def _sqlite_engine(url: str, path: Path | None, read_only: bool) -> Engine:
    timeout = SQLITE_BUSY_TIMEOUT_MS / 1000
    connect_args: dict[str, Any] = {"timeout": timeout}
    if read_only and path is not None:
        # With the WAL's -shm file present SQLite can read with mode=ro; without it (and no
        # way to create it) only an immutable open works. A WAL with data but no -shm is
        # left for SQLite to report.
        wal, shm = _sqlite_files(path)[1:]
        flags = "mode=ro" if wal.exists() and shm.exists() else "immutable=1"
        uri = f"{path.absolute().as_uri()}?{flags}"

        def read_only_connection() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=timeout)

        engine = create_engine(url, creator=read_only_connection)
    else:
        engine = create_engine(url, connect_args=connect_args)
    _sqlite_setup(engine, read_only)
    return engine


def _sqlite_setup(engine: Engine, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide when transactions start (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:  # setting the journal mode writes the file header
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock at once; readers (Store.reading) take none, so a long
        # read never makes a check-in wait.
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _postgres_url(parsed: URL) -> URL:
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// means psycopg 3 here (SQLAlchemy's default would be psycopg2).
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_db_engine(url: str, create: bool = True) -> Engine:
    """An engine for ``url`` (an SQLite file is created only with ``create``)."""
    return _open(resolve_url(url), create).engine


def _open(url: str, create: bool) -> Database:
    parsed = make_url(url)
    label = describe(url)
    if parsed.get_backend_name() != "sqlite":
        return Database(create_engine(_postgres_url(parsed), pool_pre_ping=True), label)
    database = parsed.database or ""
    if database in ("", ":memory:"):
        return Database(_sqlite_engine(url, None, False), label)
    path = Path(database)
    if path.is_dir():
        raise DatabaseUnavailable(f"{path} is a directory, not a database file")
    if not path.exists():
        if not create:
            if not path.parent.is_dir():
                raise DatabaseMissing(
                    f"no database at {path}: its directory {path.parent} does not exist "
                    f"({CREATE_HINT})"
                )
            raise DatabaseMissing(f"no database at {path} ({CREATE_HINT})")
        _create_sqlite_file(path)
        warnings = []
    else:
        if not create and path.is_file() and path.stat().st_size == 0:
            # SQLite would take an empty file for an empty database and migrate it: a file
            # truncated to nothing would then pass 'db check' as a new, empty runstrong.
            raise DatabaseDamaged(
                f"{path} is empty (0 bytes): not a runstrong database (truncated?). Restore a "
                "backup, or remove it and run 'runstrong init'"
            )
        warnings = _tighten_modes(path)
    reason = _read_only_reason(path)
    engine = _sqlite_engine(url, path, bool(reason))
    return Database(engine, label, bool(reason), reason, tuple(warnings))


def database_error(error: DBAPIError, label: str) -> StoreError | None:
    """The store's error for a database error that is about the database itself, else None."""
    message = str(error.orig).splitlines()[0] if error.orig is not None else str(error)
    lowered = message.lower()
    if "malformed" in lowered or "not a database" in lowered:
        return DatabaseDamaged(damaged_message(label, message))
    # SQLAlchemy marks the errors that mean the connection is gone (a server stopped or
    # restarted mid-command, a network cut): the transaction was rolled back by the server.
    if error.connection_invalidated:
        return DatabaseUnavailable(
            f"lost the connection to the database {label} ({message}); whatever this command "
            "was writing was rolled back. Try again when the server is back"
        )
    # psycopg gives no SQLSTATE for a refused connection, only the server's message.
    missing = 'database "' in lowered and "does not exist" in lowered
    if getattr(error.orig, "sqlstate", None) == PG_INVALID_CATALOG or missing:
        return DatabaseMissing(
            f"no database {label}: it does not exist on the server (create it with "
            "'createdb', or check --db / RUNSTRONG_DB)"
        )
    return None


def _alembic_config() -> Any:
    from alembic.config import Config  # only when migrating: see HEAD_REVISION

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    return HEAD_REVISION


def alembic_head_revision() -> str | None:
    """The head of the migration scripts, as Alembic finds it."""
    from alembic.script import ScriptDirectory

    head: str | None = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    return head


def _reading(connection: Connection) -> Connection:
    connection.execution_options(**{READ_ONLY_OPTION: True})  # sets them in place
    return connection


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None before the first migration)."""
    with engine.connect() as connection:
        reading = _reading(connection)
        if not inspect(reading).has_table(VERSION_TABLE):
            return None
        rows = reading.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
        return str(rows[0]) if len(rows) == 1 else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (all migrations run in one transaction)."""
    from alembic import command  # only when migrating: see HEAD_REVISION

    config = _alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def connect(url: str | None = None, *, create: bool = False) -> Database:
    """The database, migrated to the newest schema; it is created only with ``create``."""
    database = _open(resolve_url(url), create)
    try:
        if current_revision(database.engine) != head_revision():
            if database.read_only:
                raise DatabaseReadOnly(
                    f"the database {database.label} needs an upgrade to schema "
                    f"{head_revision()}, but {database.read_only_reason}"
                )
            upgrade(database.engine)
    except DBAPIError as error:
        database.engine.dispose()
        known = database_error(error, database.label)
        if known is not None:
            raise known from error
        first = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseUnavailable(f"cannot open the database {database.label}: {first}") from error
    except (SQLAlchemyError, StoreError):
        database.engine.dispose()
        raise
    return database


def open_database(url: str | None = None, *, create: bool = False) -> Engine:
    """An engine for the database, migrated to the newest schema."""
    return connect(url, create=create).engine
