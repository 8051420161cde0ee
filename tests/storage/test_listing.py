"""List queries filter, order and page in SQL, read only what a line shows, and have their
indexes (migration 0003), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from engine.app.checkin import check_in
from engine.app.review import queue, queue_size, reject
from engine.cli.main import cli
from engine.contract.models import Recommendation
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


def _ids(items) -> list[int]:
    return [item.recommendation.id for item in items]


def test_queue_filters_orders_and_pages(store, filled) -> None:
    by_day = sorted(filled.items(), key=lambda entry: (entry[0][1], entry[1]))
    pending = [rid for (athlete, day), rid in by_day if (athlete, day) != ("bo", DAYS[2])]
    assert _ids(queue(store)) == pending
    assert queue_size(store) == len(pending) == 11
    assert _ids(queue(store, limit=4)) == pending[:4]
    assert _ids(queue(store, limit=4, offset=4)) == pending[4:8]
    assert _ids(queue(store, offset=10)) == pending[10:]
    assert _ids(queue(store, "rejected")) == [filled["bo", DAYS[2]]]
    assert _ids(queue(store, None, athlete_id="bo")) == [filled["bo", day] for day in DAYS]
    window = queue(store, None, "ana", since=DAYS[1], until=DAYS[3])
    assert _ids(window) == [filled["ana", day] for day in DAYS[1:4]]
    assert queue_size(store, None, "ana", DAYS[1], DAYS[3]) == 3
    # What a line shows comes out of the documents in SQL.
    first = window[0]
    assert first.flags[:1] == ["pain: knee"]
    stored = store.get_recommendation(first.recommendation.id)
    assert first.summary.startswith(stored.recommendation.session.kind)
    assert first.recommendation.session_intensity == stored.recommendation.session.intensity


def test_queue_never_loads_or_validates_the_documents(store, filled, monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("the queue validated a whole recommendation")

    monkeypatch.setattr(Recommendation, "model_validate", refuse)
    assert len(queue(store, None)) == 12


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
    assert _ids(queue(store, None, "cy")) == ids
    assert [item.recommendation.status for item in queue(store, None, "cy")] == [
        "approved",
        "rejected",
        "pending",
    ]
    assert store.get_recommendation(ids[1]).recommendation == recommendation
    before = row_counts(store.engine)
    again = [PastDay(checkin(DAYS[3]), request_json, recommendation), days[0]]
    with pytest.raises(AlreadyExists):
        import_days(store, "cy", again)
    assert row_counts(store.engine) == before
