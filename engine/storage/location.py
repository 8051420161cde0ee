"""Where the database is, and which schema it must have: what both the full store
(:mod:`engine.storage.db`) and the quick reader (:mod:`engine.storage.sqlite_reads`) need,
without importing SQLAlchemy."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

from platformdirs import user_data_dir

DB_ENV = "RUNSTRONG_DB"
# The newest migration. Every command checks the database against it, and reading it from
# the migration scripts would import Alembic (a fifth of a second) on every start-up; a test
# checks it against Alembic's own head (tests/storage/test_store.py).
HEAD_REVISION = "0010"
# Alembic's bookkeeping table, read with plain SQL for the same reason.
VERSION_TABLE = "alembic_version"
SQLITE_PREFIX = "sqlite:///"


def default_url() -> str:
    directory = Path(user_data_dir("runstrong", appauthor=False))
    return f"sqlite:///{directory / 'runstrong.db'}"


def resolve_url(url: str | None) -> str:
    """The URL to open; a plain path (no ``scheme://``) is an SQLite file."""
    chosen = url or os.environ.get(DB_ENV) or default_url()
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().absolute()}"
    return chosen


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL (no driver, no query options), else None:
    anything else is for SQLAlchemy to interpret."""
    if not url.startswith(SQLITE_PREFIX) or "?" in url:
        return None
    path = unquote(url[len(SQLITE_PREFIX) :])
    return Path(path) if path not in ("", ":memory:") else None
