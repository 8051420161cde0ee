"""``runstrong import`` end to end: a FIT long run (written by fit-tool), a Strava GPX easy run
and a Garmin TCX interval session become three logs with the right kinds, distances and
durations; importing them again changes nothing; broken files are refused by name and leave
the database as it was; the next check-in's features and ``history`` show the running load."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from engine.app.imports import collect_files
from engine.cli import import_cmd
from engine.storage.store import Store
from tests.snapshots import snapshot as take_snapshot
from tests.test_import_fit import build_fit, long_run_laps

DATA = Path(__file__).parent / "data" / "activities"
TODAY = dt.date.today()
LONG_DAY = TODAY - dt.timedelta(days=5)
EASY_DAY = TODAY - dt.timedelta(days=3)
INTERVAL_DAY = TODAY - dt.timedelta(days=1)
TABLES = ("athletes", "session_logs", "checkins", "recommendations")
CHECKIN = ("--recovery", "85", "--slept-well", "--soreness", "2", "--stress", "3")


@pytest.fixture
def ana(run) -> None:
    result = run("athlete", "add", "ana", "--level", "intermediate", "--equipment", "mat")
    assert result.exit_code == 0, result.output


def _shifted(name: str, old_day: str, new_day: dt.date) -> bytes:
    """A bundled export moved to a recent day (the check-in must see it in its last 7 days)."""
    return (DATA / name).read_bytes().replace(old_day.encode(), new_day.isoformat().encode())


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    long_start = dt.datetime.combine(LONG_DAY, dt.time(7, 30), tzinfo=dt.UTC)
    (folder / "Long_Run.fit").write_bytes(build_fit(long_start, long_run_laps(), pause_s=120))
    (folder / "Morning_Run.gpx").write_bytes(
        _shifted("easy_run_strava.gpx", "2026-11-24", EASY_DAY)
    )
    (folder / "Intervals.tcx").write_bytes(
        _shifted("intervals_garmin.tcx", "2026-11-26", INTERVAL_DAY)
    )
    return folder


def _files(folder: Path) -> list[str]:
    return [str(folder / name) for name in ("Long_Run.fit", "Morning_Run.gpx", "Intervals.tcx")]


def _logs(db: str):
    return Store.open(db).sessions("ana")


def test_three_exports_become_three_logs(run, ana, db, exports) -> None:
    result = run("import", "ana", *_files(exports), "--timezone", "UTC")
    assert result.exit_code == 0, result.output
    assert "3 imported, 0 already there, 0 refused" in result.output
    by_kind = {log.kind: log for log in _logs(db)}
    assert set(by_kind) == {"long_run", "easy_run", "quality_run"}
    long_run, easy, intervals = by_kind["long_run"], by_kind["easy_run"], by_kind["quality_run"]
    assert (long_run.date, long_run.distance_km, long_run.duration_min) == (LONG_DAY, 22.0, 121)
    assert long_run.elapsed_min == 123.0  # 22 x 5:30 plus 2 minutes stopped
    assert long_run.avg_pace_min_per_km == 5.5
    assert long_run.source is not None and long_run.source.file == "Long_Run.fit"
    assert easy.date == EASY_DAY
    assert easy.distance_km == pytest.approx(7.95, abs=0.05)
    assert easy.duration_min == 45
    assert easy.avg_hr_bpm is not None and easy.source and easy.source.format == "gpx"
    assert (intervals.date, intervals.distance_km, intervals.duration_min) == (
        INTERVAL_DAY,
        9.9,
        50,
    )
    assert intervals.avg_hr_bpm == 149


def test_importing_again_changes_nothing_and_says_so(run, ana, db, exports) -> None:
    assert run("import", "ana", str(exports), "--timezone", "UTC").exit_code == 0
    before = take_snapshot(db, TABLES)
    again = run("import", "ana", str(exports), "--timezone", "UTC")
    assert again.exit_code == 0, again.output
    assert "0 imported, 3 already there, 0 refused" in again.output
    assert again.output.count("nothing changed") == 3
    assert take_snapshot(db, TABLES) == before


def test_the_same_run_in_another_format_is_already_there(run, ana, db, tmp_path) -> None:
    gpx = tmp_path / "run.gpx"
    gpx.write_bytes(_shifted("easy_run_strava.gpx", "2026-11-24", EASY_DAY))
    assert run("import", "ana", str(gpx), "--timezone", "UTC").exit_code == 0
    # The watch's own FIT file of that run: its session starts 3 s before the GPX's first point.
    start = dt.datetime.combine(EASY_DAY, dt.time(6, 30), tzinfo=dt.UTC)
    fit = tmp_path / "run.fit"
    fit.write_bytes(build_fit(start, long_run_laps(km=8, pace_s=337)))
    before = take_snapshot(db, TABLES)
    result = run("import", "ana", str(fit), "--timezone", "UTC")
    assert result.exit_code == 0, result.output
    assert "already there" in result.output
    assert take_snapshot(db, TABLES) == before


def test_broken_files_are_refused_by_name_and_the_rest_imports(run, ana, db, exports) -> None:
    good = exports / "Morning_Run.gpx"
    broken = exports.parent / "broken"
    broken.mkdir()
    fit = build_fit(dt.datetime(2026, 11, 20, 7, tzinfo=dt.UTC), long_run_laps())
    (broken / "truncated.fit").write_bytes(fit[: len(fit) // 2])
    for name in ("billion_laughs.gpx", "external_entity.tcx", "no_activity.gpx"):
        (broken / name).write_bytes((DATA / name).read_bytes())
    unknown = DATA / "run_log.csv"
    before = take_snapshot(db, TABLES)
    result = run("import", "ana", str(broken), str(unknown), str(good), "--timezone", "UTC")
    assert result.exit_code == 2
    expected = {
        "truncated.fit": "truncated FIT file",
        "billion_laughs.gpx": "declares a DTD",
        "external_entity.tcx": "declares a DTD",
        "no_activity.gpx": "no activity",
        "run_log.csv": "unknown format",
    }
    for name, reason in expected.items():
        line = next(line for line in result.stderr.splitlines() if name in line)
        assert line.startswith("refused ") and reason in line
    assert "1 imported, 0 already there, 5 refused" in result.stdout
    after = take_snapshot(db, TABLES)
    assert len(after["session_logs"]) == len(before["session_logs"]) + 1
    assert [log.kind for log in _logs(db)] == ["easy_run"]


def test_only_broken_files_leave_the_database_unchanged(run, ana, db, tmp_path) -> None:
    cut = tmp_path / "cut.tcx"
    data = (DATA / "intervals_garmin.tcx").read_bytes()
    cut.write_bytes(data[: len(data) // 3])
    before = take_snapshot(db, TABLES)
    result = run("import", "ana", str(cut), str(DATA / "billion_laughs.gpx"))
    assert result.exit_code == 2
    assert f"refused {cut}: " in result.stderr
    assert take_snapshot(db, TABLES) == before


def test_json_view_shows_the_imported_fields(run, ana, exports) -> None:
    result = run("import", "ana", *_files(exports), "--timezone", "UTC", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["imported"] == 3
    log = report["activities"][0]["log"]
    assert log["kind"] == "long_run"
    assert log["start_time"].startswith(f"{LONG_DAY.isoformat()}T07:30:00")
    assert (log["duration_min"], log["elapsed_min"], log["distance_km"]) == (121, 123.0, 22.0)
    assert (log["avg_hr_bpm"], log["avg_pace_min_per_km"]) == (142, 5.5)
    assert log["source"] == {
        "file": "Long_Run.fit",
        "format": "fit",
        "sport": "running",
        "sport_detail": "running/generic",
    }


def test_the_kind_can_be_given(run, ana, db, exports) -> None:
    tcx = str(exports / "Intervals.tcx")
    assert run("import", "ana", tcx, "--kind", "easy_run").exit_code == 0
    assert [log.kind for log in _logs(db)] == ["easy_run"]


def test_next_checkin_and_history_show_the_running_load(run, ana, exports) -> None:
    assert run("import", "ana", str(exports), "--timezone", "UTC").exit_code == 0
    # The engine's features are the coach's view: --why gives the whole recommendation.
    checked = run("checkin", "ana", *CHECKIN, "--format", "json", "--why")
    assert checked.exit_code == 0, checked.output
    history = json.loads(checked.stdout)["features"]["history"]
    assert history["running_minutes_last_7_days"] == 121 + 45 + 50
    assert history["running_km_last_7_days"] == pytest.approx(22 + 7.95 + 9.9, abs=0.05)
    assert history["running_km_last_28_days"] == history["running_km_last_7_days"]
    assert history["running_minutes_acute_chronic"] == 4.0  # all of the 28 days' running is recent
    shown = run("history", "ana", "--weeks", "2", "--format", "json")
    weeks = json.loads(shown.stdout)["weeks"]
    assert sum(week["running_minutes"] for week in weeks) == 216
    assert sum(week["running_km"] for week in weeks) == pytest.approx(39.85, abs=0.05)
    text = run("history", "ana", "--weeks", "2")
    assert "RUNNING PER WEEK" in text.output
    # Session kinds in words, as the athlete reads them.
    assert "Long run" in text.output and "Quality run" in text.output


def test_an_unknown_athlete_is_refused(run, exports) -> None:
    assert run("init").exit_code == 0  # a database without bob (a missing one is refused too)
    result = run("import", "bob", *_files(exports))
    assert result.exit_code == 2
    assert "no athlete 'bob'" in result.stderr


def test_a_directory_without_activity_files_is_refused(run, ana, tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    result = run("import", "ana", str(tmp_path))
    assert result.exit_code == 2
    assert "no .fit, .gpx, .tcx, .gz or .zip files" in result.stderr


def test_directories_are_searched_for_activity_files_only(exports) -> None:
    (exports / "README.txt").write_text("not an activity")
    (exports / "nested").mkdir()
    (exports / "nested" / "ride.GPX").write_bytes((DATA / "easy_run_strava.gpx").read_bytes())
    names = [path.name for path in collect_files([exports])]
    assert sorted(names) == ["Intervals.tcx", "Long_Run.fit", "Morning_Run.gpx", "ride.GPX"]


def test_a_terminal_gets_a_progress_bar(run, ana, exports, monkeypatch) -> None:
    monkeypatch.setattr(import_cmd, "_stderr_is_terminal", lambda: True)
    result = run("import", "ana", str(exports), "--timezone", "UTC")
    assert result.exit_code == 0, result.output
    assert "importing" in result.stderr and "3/3" in result.stderr
    assert "3 imported, 0 already there, 0 refused" in result.stdout


def test_no_progress_bar_off_a_terminal(run, ana, exports) -> None:
    result = run("import", "ana", str(exports), "--timezone", "UTC")
    assert "importing" not in result.stderr
