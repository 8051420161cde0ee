"""``today`` on an SQLite file reads through Python's sqlite3 (engine/storage/sqlite_reads.py):
the same card and the same refusals as through the store, and the store whenever the quick
reader cannot be trusted with the file."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.app.today import StoreReads, quick_reads
from engine.cli.main import cli
from engine.storage.sqlite_reads import QuickReadFailed, open_reads
from engine.storage.store import Store

ATHLETE = "demo-runner"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quick") / "demo.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "demo"])
    assert result.exit_code == 0, result.output
    return path


def _today(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(path), "today", ATHLETE, *args])
    return result.exit_code, result.output


def _copy(source: Path, target: Path, mode: int) -> Path:
    """A copy with everything committed (the demo's last writes may still be in its WAL)."""
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    os.chmod(target, mode)
    return target


def _latest_day(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        (day,) = connection.execute(
            "SELECT max(date) FROM recommendations WHERE athlete_id = ?", (ATHLETE,)
        ).fetchone()
    return str(day)


def test_the_quick_reader_serves_a_private_up_to_date_file(demo: Path) -> None:
    reads = open_reads(str(demo))
    assert reads is not None
    reads.close()
    assert open_reads(f"sqlite:///{demo}?mode=ro") is None  # options: SQLAlchemy's business
    assert open_reads(str(demo.with_name("missing.db"))) is None  # the store names it


@pytest.mark.parametrize(
    "args", [(), ("--why",), ("--format", "json"), ("--why", "--format", "json")]
)
def test_same_card_as_the_store(demo: Path, monkeypatch: pytest.MonkeyPatch, args) -> None:
    day = _latest_day(demo)
    quick = _today(demo, "--date", day, *args)
    monkeypatch.setattr("engine.app.today.quick_reads", lambda url: None)
    assert _today(demo, "--date", day, *args) == quick
    assert quick[0] == 0


def test_same_reads_as_the_store(demo: Path) -> None:
    import datetime as dt

    day = dt.date.fromisoformat(_latest_day(demo))
    quick = quick_reads(str(demo))
    assert quick is not None
    store = StoreReads(Store.open(str(demo)))
    mine, theirs = quick.recommendation_for(ATHLETE, day), store.recommendation_for(ATHLETE, day)
    assert mine == theirs and mine is not None
    assert quick.review_state(mine.id) == store.review_state(mine.id)
    assert quick.athlete_timezone(ATHLETE) == store.athlete_timezone(ATHLETE)
    quick.close()


def test_same_refusals(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unknown = CliRunner().invoke(cli, ["--db", str(demo), "today", "nobody"])
    no_day = _today(demo, "--date", "1999-01-01")
    monkeypatch.setattr("engine.app.today.quick_reads", lambda url: None)
    assert CliRunner().invoke(cli, ["--db", str(demo), "today", "nobody"]).output == unknown.output
    assert _today(demo, "--date", "1999-01-01") == no_day
    assert unknown.exit_code == 2 and "no athlete 'nobody'" in unknown.output


def test_a_file_others_can_read_goes_through_the_store(demo: Path, tmp_path: Path) -> None:
    copy = _copy(demo, tmp_path / "shared.db", 0o644)
    assert open_reads(str(copy)) is None
    code, _ = _today(copy, "--date", _latest_day(copy))
    assert code == 0
    assert os.stat(copy).st_mode & 0o777 == 0o600  # the store made it owner-only, as before


def test_an_old_schema_goes_through_the_store(demo: Path, tmp_path: Path) -> None:
    copy = _copy(demo, tmp_path / "old.db", 0o600)
    with sqlite3.connect(copy) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0007'")
    assert open_reads(str(copy)) is None


def test_a_row_that_does_not_fit_is_left_to_the_store(demo: Path, tmp_path: Path) -> None:
    copy = _copy(demo, tmp_path / "edited.db", 0o600)
    day = _latest_day(copy)
    with sqlite3.connect(copy) as connection:
        connection.execute("UPDATE recommendations SET recommendation = '{\"athlete\": 1}'")
    import datetime as dt

    reads = open_reads(str(copy))
    assert reads is not None
    with pytest.raises(QuickReadFailed):
        reads.recommendation_for(ATHLETE, dt.date.fromisoformat(day))
    reads.close()
    code, output = _today(copy, "--date", day)
    assert code == 2 and "cannot read" in output  # the store's own words for it
