"""The store and the check-in use case, on SQLite and (when RUNSTRONG_TEST_PG_URL is set) on
PostgreSQL: migrations on first use, athletes and their ladder history, check-ins with their
recommendations (one per athlete per day, replace supersedes), history windows, and upgrades
that keep data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import JSON, Date, DateTime, bindparam, inspect, text

from engine.app.checkin import HISTORY_DAYS, build_request, check_in
from engine.app.today import todays_recommendation
from engine.contract.errors import InputError
from engine.contract.models import PlannedRun, SessionLog
from engine.storage.db import (
    alembic_head_revision,
    create_db_engine,
    current_revision,
    head_revision,
    open_database,
    upgrade,
)
from engine.storage.store import AlreadyExists, NotFound, Store
from tests.storage.conftest import TABLES, row_counts

DAY = dt.date(2026, 11, 18)
TODAY = dt.date(2026, 11, 20)


def _checkin(store, evaluator, checkin, athlete_id="ana", day=DAY, replace=False, **changes):
    return check_in(
        store,
        evaluator,
        athlete_id,
        checkin(day, **changes),
        replace=replace,
        today=TODAY,
    )


# --- migrations ---


def test_first_use_applies_every_migration(db_url, open_store):
    store = open_store()
    assert current_revision(store.engine) == head_revision()
    tables = set(inspect(store.engine).get_table_names())
    assert set(TABLES) | {"alembic_version"} <= tables
    assert row_counts(store.engine) == dict.fromkeys(TABLES, 0)


def test_the_head_revision_constant_is_alembics_head():
    """``HEAD_REVISION`` spares every command the Alembic import; a new migration must move it."""
    assert head_revision() == alembic_head_revision()


def test_current_revision_reads_what_alembic_wrote(open_store):
    from alembic.runtime.migration import MigrationContext

    store = open_store()
    with store.engine.connect() as connection:
        alembic_says = MigrationContext.configure(connection).get_current_revision()
    assert current_revision(store.engine) == alembic_says == head_revision()


def test_reopening_is_idempotent_and_keeps_data(open_store, profile):
    first = open_store()
    first.add_athlete(profile("ana"))
    first.engine.dispose()

    again = open_store()
    assert current_revision(again.engine) == head_revision()
    upgrade(again.engine)  # upgrading an up-to-date database changes nothing
    assert current_revision(again.engine) == head_revision()
    assert again.get_athlete("ana") == profile("ana")
    assert row_counts(again.engine)["athletes"] == 1


def _insert(connection: Any, sql: str, **values: Any) -> None:
    """A plain INSERT; dicts and lists are bound as JSON, dates and datetimes as such."""
    types = {
        dict: JSON(),
        list: JSON(),
        dt.datetime: DateTime(),
        dt.date: Date(),
    }
    params = [
        bindparam(name, value, type_=types[type(value)])
        for name, value in values.items()
        if type(value) in types
    ]
    connection.execute(text(sql).bindparams(*params), values)


def test_upgrade_from_first_revision_keeps_every_row(
    db_url, evaluator, make_request, profile, checkin
):
    """A database created at revision 0001, with data, opened by this version: every row is
    still there and readable through the store. (Meaningful once later revisions exist: the
    rows are written with plain SQL against the 0001 schema, then every later migration runs.)
    """
    athlete = profile("ana")
    day_checkin = checkin(DAY)
    request = make_request(athlete=athlete.model_dump(mode="json", by_alias=True))
    recommendation = evaluator.evaluate(request)
    log = SessionLog.model_validate({"date": "2026-11-16", "kind": "easy_run", "duration_min": 40})
    created = dt.datetime(2026, 11, 18, 7, 30)

    engine = create_db_engine(db_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as connection:
        _insert(
            connection,
            "INSERT INTO athletes (id, level, has_coach, profile, created_at, updated_at) "
            "VALUES (:id, :level, :has_coach, :profile, :created, :created)",
            id="ana",
            level=athlete.level,
            has_coach=False,
            profile=athlete.model_dump(mode="json", by_alias=True),
            created=created,
        )
        _insert(
            connection,
            "INSERT INTO ladder_positions (athlete_id, ladder, stage, since, assistance, reason,"
            " recommendation_id, recorded_at) VALUES ('ana', 'pistol_squat', 'isometric_pistol',"
            " :since, NULL, 'added with the profile', NULL, :created)",
            since=dt.date(2026, 10, 20),
            created=created,
        )
        _insert(
            connection,
            "INSERT INTO checkins (athlete_id, date, data, upcoming, created_at, updated_at) "
            "VALUES ('ana', :day, :data, :upcoming, :created, :created)",
            day=DAY,
            data=day_checkin.model_dump(mode="json", by_alias=True),
            upcoming=[{"date": "2026-11-22", "kind": "long_run"}],
            created=created,
        )
        checkin_id = connection.execute(text("SELECT id FROM checkins")).scalar_one()
        _insert(
            connection,
            "INSERT INTO session_logs (athlete_id, date, kind, program, data, created_at) "
            "VALUES ('ana', :day, 'easy_run', NULL, :data, :created)",
            day=log.date,
            data=log.model_dump(mode="json", by_alias=True),
            created=created,
        )
        _insert(
            connection,
            "INSERT INTO recommendations (athlete_id, checkin_id, date, status, rules_version,"
            " request, recommendation, created_at) VALUES ('ana', :checkin_id, :day, 'approved',"
            " :rules_version, :request, :recommendation, :created)",
            checkin_id=checkin_id,
            day=DAY,
            rules_version=recommendation.rules_version,
            request=request.model_dump(mode="json", by_alias=True),
            recommendation=recommendation.model_dump(mode="json", by_alias=True),
            created=created,
        )
    before = row_counts(engine)
    engine.dispose()

    store = Store(open_database(db_url))
    try:
        assert current_revision(store.engine) == head_revision()
        assert row_counts(store.engine) == before == dict.fromkeys(TABLES, 1)
        assert store.get_athlete("ana") == athlete
        assert store.list_athletes() == [athlete]
        [position] = store.ladder_history("ana")
        assert (position.ladder, position.stage, position.since) == (
            "pistol_squat",
            "isometric_pistol",
            dt.date(2026, 10, 20),
        )
        assert store.get_checkin("ana", DAY) == day_checkin
        assert store.sessions("ana") == [log]
        stored = store.recommendation_for("ana", DAY)
        assert stored is not None
        assert stored.status == "approved"
        assert stored.created_at == created
        assert stored.recommendation == recommendation
        assert stored.request == json.loads(request.model_dump_json(by_alias=True))
    finally:
        store.engine.dispose()


# --- athletes and ladder history ---


def test_athletes_add_get_list_update(store, profile):
    store.add_athlete(profile("zoe", level="beginner"))
    store.add_athlete(profile("ana"))
    assert store.get_athlete("ana") == profile("ana")
    assert [athlete.id for athlete in store.list_athletes()] == ["ana", "zoe"]

    edited = profile("zoe", level="advanced", has_coach=True, kettlebells_kg=[16, 24])
    store.update_athlete(edited)
    assert store.get_athlete("zoe") == edited
    assert store.get_athlete("ana") == profile("ana")
    with store.engine.connect() as connection:
        level, has_coach = connection.execute(
            text("SELECT level, has_coach FROM athletes WHERE id = 'zoe'")
        ).one()
    assert (level, bool(has_coach)) == ("advanced", True)


def test_athlete_errors(store, profile):
    store.add_athlete(profile("ana"))
    with pytest.raises(AlreadyExists, match="ana"):
        store.add_athlete(profile("ana", level="beginner"))
    assert store.get_athlete("ana").level == "intermediate"
    for call in (
        lambda: store.get_athlete("nobody"),
        lambda: store.update_athlete(profile("nobody")),
        lambda: store.ladder_history("nobody"),
        lambda: store.recommendation_for("nobody", DAY),
        lambda: store.log_session("nobody", SessionLog(date=DAY, kind="easy_run")),
        lambda: store.get_recommendation(12345),
    ):
        with pytest.raises(NotFound):
            call()
    assert row_counts(store.engine)["athletes"] == 1


def test_ladder_history_records_each_stage(store, profile):
    pistol = {"pistol_squat": {"stage": "isometric_pistol", "since": "2026-10-20"}}
    store.add_athlete(profile("ana", ladders=pistol))
    [first] = store.ladder_history("ana")
    assert (first.ladder, first.stage, first.reason) == (
        "pistol_squat",
        "isometric_pistol",
        "added with the profile",
    )

    # An edit that leaves the ladders alone adds no history.
    store.update_athlete(profile("ana", ladders=pistol, level="advanced"))
    assert len(store.ladder_history("ana")) == 1

    advanced = {
        "pistol_squat": {"stage": "eccentric_pistol", "since": "2026-11-18", "assistance": "box"},
        "kettlebell_swing": {"stage": "kettlebell_deadlift", "since": "2026-11-18"},
    }
    store.update_athlete(
        profile("ana", ladders=advanced), reason="advanced by RS301", recommendation_id=7
    )
    history = store.ladder_history("ana")
    assert [(row.ladder, row.stage) for row in history] == [
        ("pistol_squat", "isometric_pistol"),
        ("pistol_squat", "eccentric_pistol"),
        ("kettlebell_swing", "kettlebell_deadlift"),
    ]
    assert [(row.reason, row.recommendation_id) for row in history[1:]] == [
        ("advanced by RS301", 7)
    ] * 2
    assert history[1].assistance == "box"
    assert history[1].since == dt.date(2026, 11, 18)
    assert store.get_athlete("ana").ladders["pistol_squat"].stage == "eccentric_pistol"


# --- check-ins and recommendations ---


def test_save_checkin_and_recommendation_round_trip(store, evaluator, profile, checkin, upcoming):
    store.add_athlete(profile("ana"))
    day_checkin = checkin(DAY, note="legs fine", pain=[{"area": "knee", "severity": 2}])
    request = build_request(store, evaluator, "ana", day_checkin, upcoming)
    recommendation = evaluator.evaluate(request)
    request_data = request.model_dump(mode="json", by_alias=True)

    rec_id = store.save_checkin(
        "ana", day_checkin, upcoming, request_data, recommendation, replace=False
    )
    assert store.get_checkin("ana", DAY) == day_checkin
    assert store.checkins("ana") == [day_checkin]
    stored = store.recommendation_for("ana", DAY)
    assert stored is not None
    assert stored == store.get_recommendation(rec_id)
    assert (stored.id, stored.athlete_id, stored.date, stored.status) == (
        rec_id,
        "ana",
        DAY,
        "pending",
    )
    assert stored.rules_version == recommendation.rules_version
    assert stored.recommendation == recommendation
    assert stored.request == request_data
    assert store.recommendations() == [stored]
    assert store.recommendations("ana", since=DAY) == [stored]
    assert store.recommendations("ana", since=DAY + dt.timedelta(days=1)) == []
    assert store.recommendations("zoe") == []
    with store.engine.connect() as connection:
        saved_upcoming = connection.execute(text("SELECT upcoming FROM checkins")).scalar_one()
    if isinstance(saved_upcoming, str):  # SQLite hands JSON back as text to plain SQL
        saved_upcoming = json.loads(saved_upcoming)
    assert saved_upcoming == [run.model_dump(mode="json") for run in upcoming]

    # Nothing for another day; an unknown athlete is refused and nothing is written.
    assert store.get_checkin("ana", DAY - dt.timedelta(days=1)) is None
    assert store.recommendation_for("ana", DAY - dt.timedelta(days=1)) is None
    with pytest.raises(NotFound, match="nobody"):
        store.save_checkin("nobody", day_checkin, [], request_data, recommendation, False)
    assert row_counts(store.engine)["checkins"] == 1
    assert row_counts(store.engine)["recommendations"] == 1


def test_check_in_use_case(store, evaluator, profile, checkin, upcoming):
    store.add_athlete(profile("ana"))
    result = check_in(store, evaluator, "ana", checkin(DAY), upcoming, today=TODAY)
    assert result.recommendation.athlete == "ana"
    assert result.recommendation.date == DAY
    stored = todays_recommendation(store, "ana", DAY)
    assert stored is not None
    assert stored.id == result.recommendation_id
    assert stored.recommendation == result.recommendation
    assert stored.request["checkin"]["date"] == DAY.isoformat()
    assert stored.request["upcoming"] == [run.model_dump(mode="json") for run in upcoming]


def test_one_checkin_per_athlete_per_day(store, evaluator, profile, checkin):
    store.add_athlete(profile("ana"))
    store.add_athlete(profile("zoe"))
    first = _checkin(store, evaluator, checkin, recovery_pct=90)
    before = row_counts(store.engine)

    with pytest.raises(AlreadyExists, match="already checked in"):
        _checkin(store, evaluator, checkin, recovery_pct=40)
    assert row_counts(store.engine) == before
    assert store.get_checkin("ana", DAY) == checkin(DAY, recovery_pct=90)
    stored = store.recommendation_for("ana", DAY)
    assert stored is not None
    assert (stored.id, stored.status) == (first.recommendation_id, "final")

    # Another athlete, or another day, is a check-in of its own.
    _checkin(store, evaluator, checkin, athlete_id="zoe")
    _checkin(store, evaluator, checkin, day=DAY + dt.timedelta(days=1))
    assert row_counts(store.engine)["checkins"] == 3
    assert row_counts(store.engine)["recommendations"] == 3


def test_replace_supersedes_and_never_deletes(store, evaluator, profile, checkin):
    store.add_athlete(profile("ana"))
    first = _checkin(store, evaluator, checkin, recovery_pct=90)
    second = _checkin(store, evaluator, checkin, recovery_pct=40, replace=True)
    assert second.recommendation_id != first.recommendation_id

    assert store.get_checkin("ana", DAY) == checkin(DAY, recovery_pct=40)
    assert store.checkins("ana") == [checkin(DAY, recovery_pct=40)]
    old = store.get_recommendation(first.recommendation_id)
    assert old.status == "superseded"
    assert old.recommendation == first.recommendation  # kept as it was
    current = store.recommendation_for("ana", DAY)
    assert current is not None
    assert current.id == second.recommendation_id
    assert current.status == "final"
    assert current.recommendation == second.recommendation
    assert current.request["checkin"]["recovery_pct"] == 40
    assert [rec.id for rec in store.recommendations("ana")] == [second.recommendation_id]
    counts = row_counts(store.engine)
    assert (counts["checkins"], counts["recommendations"]) == (1, 2)

    third = _checkin(store, evaluator, checkin, recovery_pct=70, replace=True)
    with store.engine.connect() as connection:
        statuses = dict(connection.execute(text("SELECT id, status FROM recommendations")).all())
    assert statuses == {
        first.recommendation_id: "superseded",
        second.recommendation_id: "superseded",
        third.recommendation_id: "final",
    }
    # replace on a day with no check-in yet simply stores it.
    fresh = _checkin(store, evaluator, checkin, day=DAY + dt.timedelta(days=1), replace=True)
    assert store.get_recommendation(fresh.recommendation_id).status == "final"


def test_future_checkin_refused_and_nothing_written(store, evaluator, profile, checkin):
    store.add_athlete(profile("ana"))
    before = row_counts(store.engine)
    with pytest.raises(InputError) as raised:
        check_in(store, evaluator, "ana", checkin(TODAY + dt.timedelta(days=1)), today=TODAY)
    assert [problem.field for problem in raised.value.problems] == ["date"]
    assert "future" in str(raised.value)

    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(InputError) as raised:
        check_in(store, evaluator, "ana", checkin(tomorrow))  # today defaults to the real one
    assert [problem.field for problem in raised.value.problems] == ["date"]
    assert row_counts(store.engine) == before
    assert store.get_checkin("ana", tomorrow) is None


def test_upcoming_before_the_checkin_refused(store, evaluator, profile, checkin):
    store.add_athlete(profile("ana"))
    before = row_counts(store.engine)
    early = PlannedRun(date=DAY - dt.timedelta(days=1), kind="long_run")
    with pytest.raises(InputError) as raised:
        check_in(store, evaluator, "ana", checkin(DAY), [early], today=TODAY)
    assert [problem.field for problem in raised.value.problems] == ["upcoming[0]"]
    assert row_counts(store.engine) == before


def test_check_in_for_unknown_athlete_writes_nothing(store, evaluator, checkin):
    with pytest.raises(NotFound, match="nobody"):
        check_in(store, evaluator, "nobody", checkin(DAY), today=TODAY)
    assert row_counts(store.engine) == dict.fromkeys(TABLES, 0)


# --- history windows ---


def _log(day: dt.date, kind: str = "easy_run", **extra: Any) -> SessionLog:
    return SessionLog.model_validate({"date": day, "kind": kind, **extra})


def test_sessions_window(store, profile):
    store.add_athlete(profile("ana"))
    store.add_athlete(profile("zoe"))
    days = [DAY - dt.timedelta(days=n) for n in (10, 3, 2, 0)] + [DAY + dt.timedelta(days=1)]
    # Logged out of order, and two on one day: read back by date, then in logging order.
    for day in reversed(days):
        store.log_session("ana", _log(day))
    store.log_session("ana", _log(DAY - dt.timedelta(days=2), "strength", duration_min=45))
    store.log_session("zoe", _log(DAY))

    def dates(**window: dt.date) -> list[dt.date]:
        return [log.date for log in store.sessions("ana", **window)]

    two_days_ago = DAY - dt.timedelta(days=2)
    assert dates() == sorted([*days, two_days_ago])
    assert dates(until=DAY) == sorted([*days[:-1], two_days_ago])  # until is inclusive
    assert dates(since=DAY - dt.timedelta(days=3), until=DAY) == sorted(
        [*days[1:4], two_days_ago]
    )  # since is inclusive
    assert dates(since=DAY + dt.timedelta(days=5)) == []
    same_day = store.sessions("ana", since=two_days_ago, until=two_days_ago)
    assert [log.kind for log in same_day] == ["easy_run", "strength"]
    assert same_day[1] == _log(two_days_ago, "strength", duration_min=45)
    assert [log.date for log in store.sessions("zoe")] == [DAY]
    assert store.sessions("nobody") == []


def test_checkins_since(store, evaluator, profile, checkin):
    store.add_athlete(profile("ana"))
    for offset in (5, 0, 2):
        _checkin(store, evaluator, checkin, day=DAY - dt.timedelta(days=offset))
    assert [c.date for c in store.checkins("ana")] == [
        DAY - dt.timedelta(days=5),
        DAY - dt.timedelta(days=2),
        DAY,
    ]
    assert [c.date for c in store.checkins("ana", since=DAY - dt.timedelta(days=2))] == [
        DAY - dt.timedelta(days=2),
        DAY,
    ]
    assert store.checkins("zoe") == []


def test_check_in_sees_the_history_window(store, evaluator, profile, checkin):
    """The stored request holds the sessions from HISTORY_DAYS before the check-in up to its
    day, nothing later and nothing older."""
    store.add_athlete(profile("ana"))
    inside = [DAY - dt.timedelta(days=HISTORY_DAYS), DAY - dt.timedelta(days=1), DAY]
    outside = [DAY - dt.timedelta(days=HISTORY_DAYS + 1), DAY + dt.timedelta(days=1)]
    for day in inside + outside:
        store.log_session("ana", _log(day))
    result = _checkin(store, evaluator, checkin)
    stored = store.get_recommendation(result.recommendation_id)
    assert [log["date"] for log in stored.request["history"]] == [d.isoformat() for d in inside]


# --- two athletes (at the same moment, from two processes: test_processes.py) ---


def test_two_athletes_same_day(store, evaluator, profile, checkin):
    store.add_athlete(profile("ana"))
    store.add_athlete(profile("zoe"))
    a = _checkin(store, evaluator, checkin, athlete_id="ana")
    z = _checkin(store, evaluator, checkin, athlete_id="zoe")
    assert store.recommendation_for("ana", DAY).id == a.recommendation_id
    assert store.recommendation_for("zoe", DAY).id == z.recommendation_id
