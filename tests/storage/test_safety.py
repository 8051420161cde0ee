"""The database's safety from the command line: a mistyped path creates nothing, ``--db`` works
on either side of the subcommand, a damaged, read-only, full or foreign file is refused in one
line with exit 2 (nothing written), file modes are tightened, and ``db check|backup``.

Every test runs on SQLite; the ones taking ``db_url`` also on PostgreSQL when
RUNSTRONG_TEST_PG_URL is set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import event
from sqlalchemy.engine import make_url

from engine.app import database
from engine.app.checkin import check_in
from engine.cli.main import cli
from engine.storage.store import Store

TODAY = dt.date.today()
ATHLETE = (
    "athlete",
    "add",
    "ana",
    "--level",
    "intermediate",
    "--equipment",
    "kettlebell,kettlebell_pair,box,mat",
    "--bells",
    "12,16,20",
    "--program",
    "heavy_lifting_for_runners:3",
)
CHECKIN = ("--recovery", "85", "--slept-well", "--soreness", "2", "--stress", "3")


def runstrong(*args: str):
    return CliRunner().invoke(cli, list(args))


def _checkin(db: str, day: dt.date, *extra: str):
    return runstrong("--db", db, "checkin", "ana", "--date", str(day), *CHECKIN, *extra)


@pytest.fixture
def filled(tmp_path: Path, evaluator, profile, checkin) -> Path:
    """An SQLite database with an athlete and two weeks of check-ins, closed (so SQLite has
    folded its WAL into the file and removed it, the state a database is in between uses)."""
    path = tmp_path / "runstrong.db"
    store = Store.open(str(path), create=True)
    try:
        store.add_athlete(profile("ana"))
        for back in range(14, 0, -1):
            day = TODAY - dt.timedelta(days=back)
            check_in(store, evaluator, "ana", checkin(day), today=TODAY)
    finally:
        store.engine.dispose()
    assert not Path(f"{path}-wal").exists()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert "Traceback" not in message and len(message.splitlines()) == 1, message
    for needle in needles:
        assert needle in message, message


# --- a database that does not exist ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("review", "list"),
        ("today", "ana"),
        ("history", "ana"),
        ("athlete", "list"),
        ("checkin", "ana", *CHECKIN),
        ("db", "check"),
    ],
)
@pytest.mark.parametrize("where", ["file", "directory"])
def test_a_missing_database_is_named_and_never_created(tmp_path, args, where) -> None:
    path = tmp_path / "typo.db" if where == "file" else tmp_path / "no" / "such" / "x.db"
    result = runstrong("--db", f"sqlite:///{path}", *args)
    _one_line_error(result, str(path), "runstrong init")
    if where == "directory":
        assert f"its directory {path.parent} does not exist" in result.output
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args", [ATHLETE, ("demo",), ("init",)], ids=["athlete add", "demo", "init"]
)
def test_commands_that_create_data_create_the_database(tmp_path, args) -> None:
    path = tmp_path / "new" / "runstrong.db"
    result = runstrong(*args, "--db", str(path))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert runstrong("athlete", "list", "--db", str(path)).exit_code == 0


def test_init_on_an_existing_database_keeps_it(filled) -> None:
    before = runstrong("--db", str(filled), "athlete", "list").output
    result = runstrong("init", "--db", str(filled))
    assert result.exit_code == 0 and str(filled) in result.output
    assert runstrong("--db", str(filled), "athlete", "list").output == before


def test_a_missing_postgresql_database_is_named_without_its_password() -> None:
    raw = os.environ.get("RUNSTRONG_TEST_PG_URL")
    if not raw:
        pytest.skip("RUNSTRONG_TEST_PG_URL is not set (.ci/run sets it)")
    url = make_url(raw).set(password="s3cret-pw", database="runstrong_no_such_database")
    rendered = url.render_as_string(hide_password=False)
    for args in (("review", "list"), ("athlete", *ATHLETE[1:])):
        result = runstrong("--db", rendered, *args)
        _one_line_error(result, "runstrong_no_such_database", "***", "does not exist on the server")
        assert "s3cret-pw" not in result.output


# --- --db on either side, plain paths ----------------------------------------------------------


def test_db_before_or_after_the_subcommand_and_plain_paths(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runstrong("demo", "--db", "plain.db").exit_code == 0
    assert Path("plain.db").is_file()
    after = runstrong("athlete", "list", "--db", "plain.db")
    before = runstrong("--db", f"sqlite:///{tmp_path / 'plain.db'}", "athlete", "list")
    assert after.exit_code == before.exit_code == 0
    assert "demo-runner" in after.output and after.output == before.output
    # The one after the subcommand wins; RUNSTRONG_DB takes plain paths too.
    monkeypatch.setenv("RUNSTRONG_DB", str(tmp_path / "absent.db"))
    assert runstrong("review", "list", "--status", "all", "--db", "plain.db").exit_code == 0
    _one_line_error(runstrong("review", "list"), str(tmp_path / "absent.db"))


# --- damage ------------------------------------------------------------------------------------


def _damage(path: Path) -> None:
    """Junk over pages in the middle of the file (never the header page)."""
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    pages = path.stat().st_size // page
    assert pages > 8, "the database is too small to damage in the middle"
    with path.open("r+b") as handle:
        handle.seek(page * (pages // 2))
        handle.write(b"\xde\xad\xbe\xef junk " * (page // 5))


def test_a_damaged_database_is_never_written(filled) -> None:
    _damage(filled)
    before = _digest(filled)
    result = _checkin(str(filled), TODAY)
    _one_line_error(result, "damaged", str(filled), "runstrong db backup", ".recover")
    assert _digest(filled) == before
    assert not Path(f"{filled}-wal").exists() or Path(f"{filled}-wal").stat().st_size == 0
    checked = runstrong("db", "check", "--db", str(filled))
    assert checked.exit_code == 1 and "damaged" in checked.output


def test_db_check_and_backup_of_a_sound_database(filled, tmp_path) -> None:
    checked = runstrong("db", "check", "--db", str(filled))
    assert checked.exit_code == 0 and checked.output.startswith("ok: ")
    assert runstrong("db", "check", "--full", "--db", str(filled)).exit_code == 0
    target = tmp_path / "copies" / "backup.db"
    target.parent.mkdir()
    result = runstrong("db", "backup", str(target), "--db", str(filled))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert list(target.parent.iterdir()) == [target]  # no partial file left behind
    original = runstrong("--db", str(filled), "history", "ana", "--format", "json").output
    copied = runstrong("--db", str(target), "history", "ana", "--format", "json").output
    assert copied == original
    # Never over an existing file.
    again = runstrong("db", "backup", str(target), "--db", str(filled))
    _one_line_error(again, "already exists")


def test_backup_of_postgresql_points_to_pg_dump(db_url, open_store) -> None:
    if make_url(db_url).get_backend_name() == "sqlite":
        pytest.skip("the SQLite backup is tested above")
    open_store()  # create the schema
    _one_line_error(runstrong("db", "backup", "copy.db", "--db", db_url), "pg_dump")
    assert not Path("copy.db").exists()


def test_a_file_that_is_not_a_database(tmp_path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my training notes, not a database\n" * 200)
    for args in (("today", "ana"), ("review", "list"), ("checkin", "ana", *CHECKIN)):
        _one_line_error(runstrong("--db", str(path), *args), str(path), "damaged")
    assert path.read_text().startswith("these are my training notes")


# --- ids, full disks ---------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["99999999999999999999999", "2147483648", "0"])
def test_an_id_beyond_any_row_is_no_such_recommendation(db_url, open_store, number) -> None:
    open_store()
    for args in (("review", "show", number), ("review", "approve", number, "--reviewer", "x")):
        _one_line_error(runstrong("--db", db_url, *args), f"no such recommendation: {number}")


def test_a_full_disk_at_commit_is_one_line_and_writes_nothing(filled, monkeypatch) -> None:
    """SQLite's max_page_count stands in for a full disk: the write that needs a new page
    fails at commit time exactly as it does when the filesystem is full."""
    opened = database.open_store

    def open_nearly_full(url, create=False):
        store = opened(url, create)

        @event.listens_for(store.engine, "connect")
        def _limit(dbapi_connection, _record) -> None:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

        store.engine.dispose()  # connections made from now on get the limit
        return store

    monkeypatch.setattr("engine.app.database.open_store", open_nearly_full)
    before = runstrong("--db", str(filled), "history", "ana", "--format", "json").output
    result = _checkin(str(filled), TODAY, "--note", "x" * 3000)
    _one_line_error(result, "full", str(filled), "nothing was written")
    monkeypatch.undo()
    assert runstrong("--db", str(filled), "history", "ana", "--format", "json").output == before
    assert runstrong("db", "check", "--db", str(filled)).exit_code == 0


# --- permissions and read-only places ----------------------------------------------------------


def test_a_readable_by_others_database_is_tightened_on_open(filled) -> None:
    os.chmod(filled, 0o644)
    assert runstrong("--db", str(filled), "athlete", "list").exit_code == 0
    assert stat.S_IMODE(filled.stat().st_mode) == 0o600


@pytest.fixture
def read_only_dir(filled: Path) -> Iterator[Path]:
    """The database's directory made read-only: a read-only bind mount as root (root ignores
    directory modes), a directory mode without write permission otherwise."""
    directory = filled.parent
    if os.geteuid() != 0:
        os.chmod(directory, 0o555)
        yield directory
        os.chmod(directory, 0o755)
        return
    mounted = subprocess.run(["mount", "--bind", directory, directory], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount as root here: {mounted.stderr.decode().strip()}")
    try:
        remount = ["mount", "-o", "remount,bind,ro", directory, directory]
        subprocess.run(remount, check=True, capture_output=True)
        yield directory
    finally:
        subprocess.run(["umount", "--lazy", directory], check=True)


def test_reads_work_in_a_read_only_directory_and_writes_say_why_not(filled, read_only_dir) -> None:
    assert not Path(f"{filled}-shm").exists()  # the state SQLite leaves: WAL checkpointed
    db = str(filled)
    listed = runstrong("--db", db, "athlete", "list")
    assert listed.exit_code == 0 and "ana" in listed.output
    yesterday = TODAY - dt.timedelta(days=1)
    today = runstrong("--db", db, "today", "ana", "--date", str(yesterday))
    assert today.exit_code == 0, today.output
    history = runstrong("--db", db, "history", "ana", "--format", "json")
    assert history.exit_code == 0 and str(yesterday) in history.output
    assert runstrong("--db", db, "review", "list").exit_code == 0
    result = _checkin(db, TODAY)
    _one_line_error(result, "cannot write", str(filled), "not writable")
    assert sorted(p.name for p in read_only_dir.iterdir()) == ["runstrong.db"]


def test_a_mode_that_cannot_be_tightened_is_warned_about(filled) -> None:
    os.chmod(filled, 0o644)
    if os.geteuid() == 0:  # root may chmod anything: make the filesystem read-only instead
        directory = filled.parent
        if subprocess.run(["mount", "--bind", directory, directory]).returncode != 0:
            pytest.skip("cannot bind-mount as root here")
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", directory, directory], check=True)
            result = runstrong("--db", str(filled), "athlete", "list")
        finally:
            subprocess.run(["umount", "--lazy", directory], check=True)
    else:
        pytest.skip("needs a file this user cannot chmod (root with a read-only mount)")
    assert result.exit_code == 0
    assert f"warning: {filled} is readable by other users (mode 0644)" in result.output
    assert stat.S_IMODE(filled.stat().st_mode) == 0o644


def test_store_refuses_to_write_read_only_without_touching_the_file(filled, read_only_dir):
    store = Store.open(str(filled))
    try:
        assert store.read_only and store.get_athlete("ana").id == "ana"
    finally:
        store.engine.dispose()


# --- when a large file is checked --------------------------------------------------------------


def test_a_large_file_is_scanned_once_a_day_and_after_a_scheduled_check(
    filled, monkeypatch
) -> None:
    from engine.storage import integrity

    monkeypatch.setattr(integrity, "CHECK_EVERY_WRITE_BYTES", 0)  # every file counts as large
    scans: list[str] = []
    real = integrity.integrity_problems

    def counted(engine, full=False):
        scans.append(str(engine.url))
        return real(engine, full)

    monkeypatch.setattr("engine.storage.transactions.integrity_problems", counted)

    def write(day: dt.date) -> None:
        store = Store.open(str(filled))
        try:
            store.update_athlete(store.get_athlete("ana"), reason=f"touch {day}")
        finally:
            store.engine.dispose()

    write(TODAY)
    assert len(scans) == 1  # never checked: scanned, and the pass recorded
    write(TODAY)
    assert len(scans) == 1  # passed less than a day ago
    connection = sqlite3.connect(filled)
    connection.execute("UPDATE integrity_checks SET checked_at = '2000-01-01 00:00:00'")
    connection.commit()
    connection.close()
    write(TODAY)
    assert len(scans) == 2  # the last pass is too old
    # A damaged file whose last pass is old is refused.
    connection = sqlite3.connect(filled)
    connection.execute("UPDATE integrity_checks SET checked_at = '2000-01-01 00:00:00'")
    connection.commit()
    connection.close()
    _damage(filled)
    result = _checkin(str(filled), TODAY)
    _one_line_error(result, "damaged")


def test_db_check_records_its_pass_for_large_files(filled, monkeypatch) -> None:
    from engine.storage import integrity

    monkeypatch.setattr(integrity, "CHECK_EVERY_WRITE_BYTES", 0)
    assert runstrong("db", "check", "--db", str(filled)).exit_code == 0
    store = Store.open(str(filled))
    try:
        assert not integrity.write_needs_check(store.engine)
    finally:
        store.engine.dispose()
