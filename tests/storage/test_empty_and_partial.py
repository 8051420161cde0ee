"""An empty database file and the leftovers of a killed backup.

A zero-byte file is what a truncated database looks like; SQLite would take it for a new one
and migrate it, and 'db check' said ok. A backup killed midway left its partial file, and the
next backup to the same target failed on it."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.progress import proc_stat, wait_until
from tests.storage.test_safety import _one_line_error, runstrong


def _state(pid: int) -> str:
    """The process's state letter (proc(5)): T when stopped by a signal."""
    return Path(proc_stat(pid)).read_text().rsplit(")", 1)[1].split()[0]


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A database with one athlete."""
    path = tmp_path / "runstrong.db"
    added = runstrong("--db", str(path), "athlete", "add", "ana", "--level", "beginner")
    assert added.exit_code == 0, added.output
    return path


def test_a_zero_byte_database_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    empty = tmp_path / "runstrong.db"
    empty.touch()
    for args in (("db", "check"), ("athlete", "list"), ("today", "ana")):
        result = runstrong("--db", str(empty), *args)
        _one_line_error(result, f"{empty} is empty (0 bytes)")
    assert empty.stat().st_size == 0


def test_a_killed_backup_blocks_nothing(filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "copies" / "backup.db"
    target.parent.mkdir()
    # What a backup killed by kill -9 leaves: its partial file, its lock gone with it. Both
    # the name this version writes and the fixed name earlier versions wrote.
    leftovers = [
        target.parent / f".{target.name}.k1ll3d.partial",
        target.parent / f".{target.name}.partial",
    ]
    for leftover in leftovers:
        leftover.write_bytes(b"SQLite format 3\0 half written")
    result = runstrong("db", "backup", str(target), "--db", str(filled))
    assert result.exit_code == 0, result.output
    assert list(target.parent.iterdir()) == [target]


def test_a_running_backups_partial_file_is_left_alone(filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    busy = tmp_path / f".{target.name}.running.partial"
    with busy.open("wb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = runstrong("db", "backup", str(target), "--db", str(filled))
        assert result.exit_code == 0, result.output
        assert busy.exists()


def test_a_backup_killed_by_a_signal_then_another(filled: Path, tmp_path: Path) -> None:
    """A real kill -9 of a backup in progress (stopped inside SQLite's copy), then a backup to
    the same target succeeds and leaves nothing behind."""
    target = tmp_path / "backup.db"
    script = (
        "import os, pathlib, signal, sqlite3, types\n"
        "from engine.app import database\n"
        "def stop(*_):\n"
        "    os.kill(os.getpid(), signal.SIGSTOP)\n"
        "database.sqlite3 = types.SimpleNamespace(connect=stop, Error=sqlite3.Error)\n"
        f"database.backup({str(filled)!r}, pathlib.Path({str(target)!r}))\n"
    )
    repo = Path(__file__).resolve().parents[2]
    process = subprocess.Popen([sys.executable, "-c", script], cwd=repo)
    try:
        # Until it has stopped itself inside the copy, the lock held (or ended, which fails
        # below), for as long as it makes progress: a loaded machine may take a while.
        wait_until(
            lambda: process.poll() is not None or _state(process.pid) == "T",
            what="the backup stopping inside SQLite's copy",
            watch=lambda: [proc_stat(process.pid)],
        )
        assert process.poll() is None, f"the backup ended (exit {process.returncode})"
        assert list(tmp_path.glob(".backup.db.*.partial"))
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    result = runstrong("db", "backup", str(target), "--db", str(filled))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == ["backup.db"]
