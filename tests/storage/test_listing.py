"""List queries filter, order and page in SQL, read only what a line shows, and have their
indexes (migration 0003), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from engine.app.checkin import check_in
from engine.app.review import reject
from engine.app.triage import triage
from engine.cli.main import cli
from engine.contract.models import Recommendation
from engine.rulebook.ruleset import load_engine_settings
from engine.storage.db import current_revision, upgrade

DAYS = [dt.date(2026, 11, 2) + dt.timedelta(days=offset) for offset in range(6)]
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def filled(store, evaluator, profile, checkin):
    """Two athletes with coaches, a check-in each day; bo's third day rejected."""
    ids: dict[tuple[str, dt.date], int] = {}
    for athlete in ("bo", "ana"):
        store.add_athlete(profile(athlete, has_coach=True))
        for day in DAYS:
            pain = [{"area": "knee", "severity": 2}] if day == DAYS[1] else []
            result = check_in(store, evaluator, athlete, checkin(day, pain=pain), today=TODAY)
            ids[athlete, day] = result.recommendation_id
    reject(store, ids["bo", DAYS[2]], "coach", "other", None)
    return ids


# The last day of the fixture, at noon UTC: the triage's "today" for every athlete.
NOW = dt.datetime.combine(DAYS[-1], dt.time(12), dt.UTC)


def _triage(store, **options):
    return triage(store, load_engine_settings(), now=NOW, **options)


def _ids(page) -> list[int]:
    return [item.id for item in page.items]


def test_the_triage_filters_and_pages_in_the_query(store, filled) -> None:
    everything = _triage(store, status="all", limit=100)
    ids = _ids(everything)
    assert sorted(ids) == sorted(filled.values())
    assert everything.counts.matching == 12
    assert _ids(_triage(store, status="all", limit=4)) == ids[:4]
    assert _ids(_triage(store, status="all", limit=4, offset=4)) == ids[4:8]
    assert _ids(_triage(store, status="all", offset=10, limit=100)) == ids[10:]
    assert _ids(_triage(store, status="rejected")) == [filled["bo", DAYS[2]]]
    only_bo = _triage(store, status="all", athlete_id="bo", limit=100)
    assert sorted(_ids(only_bo)) == sorted(filled["bo", day] for day in DAYS)
    window = _triage(store, status="all", athlete_id="ana", since=DAYS[1], until=DAYS[3])
    assert sorted(_ids(window)) == sorted(filled["ana", day] for day in DAYS[1:4])
    # What a row shows comes out of the stored columns: the pain flag, the session in words.
    (pained,) = [item for item in window.items if item.date == DAYS[1]]
    assert any("knee" in flag for flag in pained.flags)
    stored = store.get_recommendation(pained.id)
    assert stored.recommendation.session.intensity in pained.session.lower()


def test_the_triage_never_loads_or_validates_the_documents(store, filled, monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("the triage validated a whole recommendation")

    monkeypatch.setattr(Recommendation, "model_validate", refuse)
    assert len(_triage(store, status="all", limit=100).items) == 12


def test_review_list_pages_from_the_command_line(db_url, store, filled) -> None:
    def listed(*args: str) -> list[int]:
        result = CliRunner().invoke(cli, ["--db", db_url, "review", "list", *args])
        assert result.exit_code == 0, result.output
        return [line["id"] for line in json.loads(result.output)] if "--format" in args else []

    everything = listed("--status", "all", "--format", "json")
    assert len(everything) == 12
    assert (
        listed("--status", "all", "--limit", "5", "--offset", "5", "--format", "json")
        == (everything[5:10])
    )
    # Those days are past: nobody reviewed them, so they are lapsed (newest first).
    text_page = CliRunner().invoke(
        cli, ["--db", db_url, "review", "list", "--status", "lapsed", "--limit", "3"]
    )
    assert text_page.output.strip().endswith("(1-3 of 11 recommendations; next: --offset 3)")
    since = ["--since", str(DAYS[4]), "--athlete", "ana", "--format", "json"]
    assert listed("--status", "all", *since) == [filled["ana", DAYS[5]], filled["ana", DAYS[4]]]


def test_history_reads_days_without_the_documents(db_url, store, filled, monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("history validated a whole recommendation")

    monkeypatch.setattr(Recommendation, "model_validate", refuse)
    result = CliRunner().invoke(
        cli,
        ["--db", db_url, "history", "bo", "--until", str(DAYS[-1]), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    days = {day["date"]: day for week in [json.loads(result.output)] for day in week["days"]}
    assert days[str(DAYS[2])]["recommendation_status"] == "rejected"
    assert days[str(DAYS[0])]["recommended"] is not None


def test_migration_0003_indexes_the_list_queries(store) -> None:
    indexes = {
        table: {
            index["name"]: index["column_names"]
            for index in inspect(store.engine).get_indexes(table)
        }
        for table in ("recommendations", "session_logs")
    }
    assert indexes["recommendations"]["ix_recommendations_status_date"] == ["status", "date", "id"]
    assert indexes["recommendations"]["ix_recommendations_athlete_date"] == [
        "athlete_id",
        "date",
        "id",
    ]
    assert indexes["session_logs"]["ix_session_logs_athlete_date"] == ["athlete_id", "date"]
    # Downgrading and upgrading again keeps the schema the same.
    upgrade_to = current_revision(store.engine)
    from alembic import command

    from engine.storage.db import _alembic_config

    config = _alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    upgrade(store.engine)
    assert current_revision(store.engine) == upgrade_to


def test_sqlite_pages_the_queue_on_its_index(store, filled, backend) -> None:
    if backend != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    with store.engine.connect() as connection:
        plan = " ".join(
            str(row[-1])
            for row in connection.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM recommendations WHERE status = 'pending' "
                    "ORDER BY date, id LIMIT 50"
                )
            )
        )
    assert "ix_recommendations_status_date" in plan and "TEMP B-TREE" not in plan, plan


def test_import_days_stores_a_batch_whole_or_not_at_all(store, evaluator, profile, checkin):
    from engine.app.checkin import build_request
    from engine.storage.bulk import PastDay, import_days
    from engine.storage.store import AlreadyExists
    from tests.storage.conftest import row_counts

    store.add_athlete(profile("cy"))
    request = build_request(store, evaluator, "cy", checkin(DAYS[0]), [])
    recommendation = evaluator.evaluate(request)
    request_json = request.model_dump(mode="json", by_alias=True)
    days = [
        PastDay(checkin(day), request_json, recommendation, status)
        for day, status in zip(DAYS[:3], ("approved", "rejected", "pending"), strict=True)
    ]
    ids = import_days(store, "cy", days)
    stored = sorted(_triage(store, status="all", athlete_id="cy").items, key=lambda item: item.id)
    assert [item.id for item in stored] == ids
    assert [item.status for item in stored] == ["approved", "rejected", "lapsed"]
    assert store.get_recommendation(ids[1]).recommendation == recommendation
    before = row_counts(store.engine)
    again = [PastDay(checkin(DAYS[3]), request_json, recommendation), days[0]]
    with pytest.raises(AlreadyExists):
        import_days(store, "cy", again)
    assert row_counts(store.engine) == before


QUICK_PAGES = [
    {"status": "pending"},
    {"status": "lapsed", "limit": 3},
    {"status": "lapsed", "limit": 3, "offset": 3},
    {"status": "all", "limit": 5, "offset": 5},
    {"status": "all", "flag": "pain", "limit": 100},
    {"status": "lapsed", "flag": "attention"},
    {"status": "rejected"},
    {"status": "all", "flag": "readiness", "athlete_id": "ana"},
    {"status": "all", "since": DAYS[1], "until": DAYS[3]},
    {"status": "all", "athletes": ["bo"], "limit": 4, "offset": 2},
    {"status": "lapsed", "athletes": ["bo", "ana"], "flag": "ladder"},
]


@pytest.mark.parametrize("options", QUICK_PAGES)
def test_the_quick_reader_lists_the_same_page_as_the_store(db_url, store, filled, options) -> None:
    """``review list`` on an SQLite file runs the store's own statements, as SQLAlchemy
    compiled them and the store cached them, through sqlite3: the same page, counts, JSON and
    text, with athletes in two time zones (one of them lapsed a day earlier) and a calendar."""
    if not db_url.startswith("sqlite"):
        pytest.skip("the quick reader reads SQLite files only")
    from engine.app.calendar import add
    from engine.app.triage import scope_for, triage_settings
    from engine.storage.sqlite_triage import open_triage_reads
    from engine.storage.triage import remember_statements
    from engine.views.triage import triage_json, triage_text

    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE athletes SET timezone = 'Pacific/Kiritimati' WHERE id = 'ana'")
        )
    add(store, "bo", ["sat:long_run"], [], [], DAYS[0])
    settings = triage_settings()
    scope_options = {
        key: options[key] for key in ("athletes", "athlete_id", "since", "until") if key in options
    }
    by_store = triage(store, settings, now=NOW, **options)
    scope = scope_for(
        store, settings, now=NOW, **{"athletes": None, "athlete_id": None, **scope_options}
    )
    # The server's zone, and ana's unless the page is bo's alone.
    assert len(scope.today) == (1 if options.get("athletes") == ["bo"] else 2)
    remember_statements(store, scope, options["status"], options.get("flag"))
    quick = open_triage_reads(db_url)
    assert quick is not None
    try:
        by_quick = triage(quick, settings, now=NOW, **options)
    finally:
        quick.close()
    assert by_quick == by_store
    assert triage_json(by_quick) == triage_json(by_store)
    assert triage_text(by_quick) == triage_text(by_store)
