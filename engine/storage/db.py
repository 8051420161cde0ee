"""Open the database: where it is, how SQLite is set up, and migrations on first use.

- The URL comes from ``--db``, else ``RUNSTRONG_DB``, else an SQLite file in the user's data
  directory (platformdirs).
- Athlete data is personal health data: a new SQLite file is created readable and writable by
  its owner only (mode 0600), before SQLite ever opens it.
- SQLite runs in WAL mode with a busy timeout, so two check-ins at once (two processes) both
  succeed, and every transaction starts with ``BEGIN IMMEDIATE`` so a writer takes its lock at
  the start instead of failing half-way when it upgrades a read lock.
- The schema is versioned with Alembic; ``open_database`` upgrades it to the newest revision,
  keeping all data.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

DB_ENV = "RUNSTRONG_DB"
# Execution option that marks a read-only transaction (see Store.reading).
READ_ONLY_OPTION = "runstrong_read_only"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
# PostgreSQL advisory lock held while migrating, so two processes opening a new database at
# once do not both create the tables (the second waits, then finds the schema up to date).
# SQLite needs none: BEGIN IMMEDIATE already serialises the migrating transactions.
PG_MIGRATION_LOCK = 0x72756E7374726F6E  # any fixed bigint; this is "runstron" in ASCII


def default_url() -> str:
    directory = Path(user_data_dir("runstrong", appauthor=False))
    return f"sqlite:///{directory / 'runstrong.db'}"


def resolve_url(url: str | None) -> str:
    return url or os.environ.get(DB_ENV) or default_url()


def _prepare_sqlite_file(database: str) -> None:
    if database in ("", ":memory:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        # Create it ourselves so it never exists, even for a moment, with looser permissions.
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            return  # another process opening it for the first time created it just now
        try:
            os.fchmod(descriptor, 0o600)  # whatever the umask
        finally:
            os.close(descriptor)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide when transactions start (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
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


def create_db_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_file(parsed.database or "")
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _sqlite_setup(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// means psycopg 3 here (SQLAlchemy's default would be psycopg2).
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (all migrations run in one transaction)."""
    config = _alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def open_database(url: str | None = None) -> Engine:
    """An engine for the database, migrated to the newest schema."""
    engine = create_db_engine(resolve_url(url))
    if current_revision(engine) != head_revision():
        upgrade(engine)
    return engine
