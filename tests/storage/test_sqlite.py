"""SQLite specifics: where the default database lives, its file permissions (personal health
data), WAL mode with a busy timeout, and the settings every connection gets."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from engine.storage.db import (
    DB_ENV,
    SQLITE_BUSY_TIMEOUT_MS,
    current_revision,
    default_url,
    head_revision,
    open_database,
    resolve_url,
)
from engine.storage.store import Store

DAY = dt.date(2026, 11, 18)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    """A umask that would leave a new file readable by everyone: the store must not rely on
    the caller's umask."""
    previous = os.umask(0o000)
    yield
    os.umask(previous)


def test_new_database_file_is_owner_only(tmp_path, loose_umask, evaluator, profile, checkin):
    from engine.app.checkin import check_in

    directory = tmp_path / "not" / "yet"
    path = directory / "runstrong.db"
    store = Store.open(f"sqlite:///{path}", create=True)
    try:
        assert directory.is_dir()
        assert _mode(directory) == 0o700
        store.add_athlete(profile("ana"))
        check_in(store, evaluator, "ana", checkin(DAY), today=DAY)
        # The WAL and shared-memory files SQLite creates next to it take the same mode.
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        assert path.with_name(path.name + "-wal").exists()
        assert {f.name: _mode(f) for f in files if f.exists()} == {
            f.name: 0o600 for f in files if f.exists()
        }
    finally:
        store.engine.dispose()
    assert _mode(path) == 0o600


def test_existing_database_file_is_opened_not_recreated(tmp_path, profile):
    path = tmp_path / "runstrong.db"
    first = Store.open(f"sqlite:///{path}", create=True)
    first.add_athlete(profile("ana"))
    first.engine.dispose()
    inode = path.stat().st_ino
    again = Store.open(f"sqlite:///{path}")
    try:
        assert path.stat().st_ino == inode
        assert again.get_athlete("ana") == profile("ana")
    finally:
        again.engine.dispose()


def test_wal_mode_busy_timeout_and_foreign_keys(tmp_path):
    path = tmp_path / "runstrong.db"
    engine = open_database(f"sqlite:///{path}", create=True)
    try:
        with engine.connect() as connection:
            pragma = lambda name: connection.execute(text(f"PRAGMA {name}")).scalar_one()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("busy_timeout") == SQLITE_BUSY_TIMEOUT_MS
            assert pragma("foreign_keys") == 1
            assert pragma("synchronous") == 2  # FULL: a committed check-in survives power loss
    finally:
        engine.dispose()
    # WAL is a property of the file: any other program opening it sees it too.
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        raw.close()


def test_foreign_keys_enforced(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'runstrong.db'}", create=True)
    try:
        with pytest.raises(Exception, match="FOREIGN KEY"), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO session_logs (athlete_id, date, kind, data, created_at)"
                    " VALUES ('nobody', '2026-11-18', 'easy_run', '{}', '2026-11-18 00:00:00')"
                )
            )
    finally:
        engine.dispose()


def test_default_location(tmp_path, monkeypatch, profile):
    """No --db and no RUNSTRONG_DB: an SQLite file in the user's data directory, created with
    its directory on first use."""
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    expected = tmp_path / "xdg" / "runstrong" / "runstrong.db"
    assert default_url() == f"sqlite:///{expected}"
    assert resolve_url(None) == default_url()
    engine = open_database(create=True)
    try:
        assert current_revision(engine) == head_revision()
        assert _mode(expected) == 0o600
    finally:
        engine.dispose()

    monkeypatch.setenv(DB_ENV, "sqlite:///from-env.db")
    assert resolve_url(None) == "sqlite:///from-env.db"
    assert resolve_url("sqlite:///from-option.db") == "sqlite:///from-option.db"


def test_a_long_read_does_not_block_a_writer(tmp_path) -> None:
    path = tmp_path / "reads.db"
    store = Store.open(f"sqlite:///{path}", create=True)
    with store.reading() as session:
        session.execute(text("SELECT count(*) FROM athletes")).all()
        # No busy wait (timeout=0): were the write lock held by the reader, BEGIN IMMEDIATE
        # would fail at once with "database is locked", however fast or loaded the machine.
        writer = sqlite3.connect(path, timeout=0, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("COMMIT")
        writer.close()
