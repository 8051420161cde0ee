"""Imported activities in storage, on SQLite and (with RUNSTRONG_TEST_PG_URL) PostgreSQL:
migration 0005 keeps existing logs, one log per activity, and one transaction per activity."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from engine.app.imports import import_activities
from engine.contract.models import AthleteProfile, SessionLog
from engine.storage.activities import ActivityStore
from engine.storage.db import create_db_engine, current_revision, head_revision, upgrade
from engine.storage.schema import SessionLogRow
from engine.storage.store import Store
from tests.test_import_fit import build_fit, interval_laps, long_run_laps

PG_ENV = "RUNSTRONG_TEST_PG_URL"
START = dt.datetime(2026, 11, 20, 6, 45, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'activities.db'}"
        return
    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.skip(f"{PG_ENV} is not set")
    import psycopg

    server = make_url(raw).set(drivername="postgresql")
    name = f"runstrong_import_{uuid.uuid4().hex}"
    maintenance = server.render_as_string(hide_password=False)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _log(start: dt.datetime, kind: str = "easy_run") -> SessionLog:
    return SessionLog(date=start.date(), kind=kind, duration_min=40, start_time=start)  # type: ignore[arg-type]


def test_migration_keeps_logs_made_before_it(db_url: str) -> None:
    engine = create_db_engine(db_url)
    upgrade(engine, "0002")
    profile = AthleteProfile(id="ana", level="intermediate")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO athletes (id, level, has_coach, profile, created_at, updated_at) "
                "VALUES ('ana', 'intermediate', false, :profile, :now, :now)"
            ).bindparams(now=dt.datetime(2026, 11, 1)),
            {"profile": profile.model_dump_json()},
        )
        connection.execute(
            text(
                "INSERT INTO session_logs (athlete_id, date, kind, program, data, created_at) "
                "VALUES ('ana', :day, 'easy_run', NULL, :data, :now)"
            ),
            {
                "day": dt.date(2026, 11, 16),
                "data": '{"date": "2026-11-16", "kind": "easy_run", "duration_min": 40}',
                "now": dt.datetime(2026, 11, 16),
            },
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    store = Store(engine)
    (kept,) = store.sessions("ana")
    assert (kept.kind, kept.duration_min, kept.distance_km) == ("easy_run", 40, None)
    # Hand-logged sessions have no start time: any number of them never collide.
    # (an identical session the same day is a second one only when asked for: --again)
    store.log_session("ana", kept, again=True)
    store.log_session("ana", kept, again=True)
    assert len(store.sessions("ana")) == 3
    engine.dispose()


def test_one_log_per_activity_within_the_window(db_url: str) -> None:
    store = Store.open(db_url, create=True)
    store.add_athlete(AthleteProfile(id="ana", level="intermediate"))
    activities = ActivityStore(store)
    first = activities.add_activity("ana", _log(START), "running", window_s=120)
    near = activities.add_activity("ana", _log(START + dt.timedelta(seconds=90)), "running", 120)
    ride = activities.add_activity("ana", _log(START, "cross_training"), "cycling", 120)
    later = activities.add_activity("ana", _log(START + dt.timedelta(minutes=3)), "running", 120)
    assert first.created and ride.created and later.created
    assert not near.created and near.log_id == first.log_id
    assert len(store.sessions("ana")) == 3
    store.engine.dispose()


def test_the_database_refuses_the_same_activity_twice(db_url: str) -> None:
    """The backstop for two imports of one activity at once (on PostgreSQL both could pass
    the check in Python): a second row with the same athlete, sport and start is refused."""
    store = Store.open(db_url, create=True)
    store.add_athlete(AthleteProfile(id="ana", level="intermediate"))
    ActivityStore(store).add_activity("ana", _log(START), "running", window_s=0)
    with pytest.raises(IntegrityError), store.transaction() as session:
        session.add(
            SessionLogRow(
                athlete_id="ana",
                date=START.date(),
                kind="easy_run",
                data={},
                started_at=START.replace(tzinfo=None),
                sport="running",
            )
        )
    store.engine.dispose()


def test_each_activity_is_its_own_transaction(db_url: str, tmp_path: Path, evaluator) -> None:
    """A failure storing the second activity leaves the first stored and nothing of the second."""
    store = Store.open(db_url, create=True)
    store.add_athlete(AthleteProfile(id="ana", level="intermediate"))
    files = [tmp_path / "a.fit", tmp_path / "b.fit"]
    files[0].write_bytes(build_fit(START, long_run_laps(5)))
    files[1].write_bytes(build_fit(START + dt.timedelta(days=1), interval_laps()))
    calls: list[Path] = []
    original = ActivityStore.add_activity

    def failing_second(self, athlete_id, log, sport, window_s):  # type: ignore[no-untyped-def]
        if log.date == (START + dt.timedelta(days=1)).date():
            raise RuntimeError("disk full")
        return original(self, athlete_id, log, sport, window_s)

    ActivityStore.add_activity = failing_second  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            import_activities(
                store,
                evaluator.ruleset.engine_settings.activity_import,
                "ana",
                files,
                dt.UTC,
                today=dt.date(2026, 11, 30),
                on_file_done=calls.append,
            )
    finally:
        ActivityStore.add_activity = original  # type: ignore[method-assign]
    assert [log.date for log in store.sessions("ana")] == [START.date()]
    assert calls == [files[0]]
    store.engine.dispose()


def test_an_activity_in_the_future_is_refused(tmp_path: Path, evaluator) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'future.db'}", create=True)
    store.add_athlete(AthleteProfile(id="ana", level="intermediate"))
    path = tmp_path / "future.fit"
    path.write_bytes(build_fit(START, long_run_laps(5)))
    report = import_activities(
        store,
        evaluator.ruleset.engine_settings.activity_import,
        "ana",
        [path],
        dt.UTC,
        today=dt.date(2026, 11, 19),
    )
    assert report.summary() == "0 imported, 0 already there, 1 refused"
    assert "in the future" in (report.refused[0].reason or "")
    assert store.sessions("ana") == []


def test_an_untyped_track_is_read_as_the_settings_sport(tmp_path: Path, evaluator) -> None:
    """A GPX track without a <type> is a run (activity_import.untyped_sport), so the watch's
    FIT file of the same run is recognised as the same activity."""
    store = Store.open(f"sqlite:///{tmp_path / 'untyped.db'}", create=True)
    store.add_athlete(AthleteProfile(id="ana", level="intermediate"))
    data = Path(__file__).parent / "data" / "activities" / "easy_run_strava.gpx"
    gpx = tmp_path / "untyped.gpx"
    gpx.write_text(data.read_text().replace("<type>running</type>", ""))
    fit = tmp_path / "watch.fit"
    fit.write_bytes(build_fit(dt.datetime(2026, 11, 24, 6, 30, tzinfo=dt.UTC), long_run_laps(8)))
    settings = evaluator.ruleset.engine_settings.activity_import
    first = import_activities(store, settings, "ana", [gpx], dt.UTC, today=dt.date(2026, 11, 30))
    second = import_activities(store, settings, "ana", [fit], dt.UTC, today=dt.date(2026, 11, 30))
    assert first.summary() == "1 imported, 0 already there, 0 refused"
    assert second.summary() == "0 imported, 1 already there, 0 refused"
    (log,) = store.sessions("ana")
    assert log.source is not None
    assert (log.kind, log.source.sport) == ("easy_run", "running")
