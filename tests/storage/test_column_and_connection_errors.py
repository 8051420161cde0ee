"""Two database errors that used to crash (exit 70, with the SQL and its parameters printed)
are refusals naming what went wrong: text longer than its column, on SQLite and
PostgreSQL alike, and a PostgreSQL connection lost in the middle of a command."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from engine.cli.main import cli
from engine.storage.errors import DatabaseUnavailable, ValueTooLong
from engine.storage.reviews import ReviewStore


def test_text_longer_than_its_column_is_refused_by_name(db_url, store, profile):
    store.add_athlete(profile("ana"))
    log_id = store.log_session("ana", _easy_run())
    with pytest.raises(
        ValueTooLong, match=r"session_logs\.program: 65 characters, more than the 64"
    ):
        store.edit_log(log_id, _easy_run(program="p" * 65))
    assert [log.program for log in store.sessions("ana")] == [None]


def test_a_long_reviewer_name_on_the_command_line_exits_2(
    db_url, store, profile, checkin, upcoming
):
    from engine.app.checkin import check_in
    from engine.evaluation.evaluators import get_evaluator

    store.add_athlete(profile("ana", has_coach=True))
    rec_id = check_in(store, get_evaluator(), "ana", checkin(), upcoming).recommendation_id
    result = CliRunner().invoke(
        cli, ["--db", db_url, "review", "approve", str(rec_id), "--reviewer", "r" * 150]
    )
    assert result.exit_code == 2, result.output
    assert "review_events.reviewer: 150 characters, more than the 100" in result.output
    assert "INSERT" not in result.output
    assert ReviewStore(store).events(rec_id) == []


def test_a_lost_connection_is_one_line_not_a_crash(db_url, store, backend):
    if backend != "postgresql":
        pytest.skip("a server connection is PostgreSQL's")
    kill = text("SELECT pg_terminate_backend(pg_backend_pid())")
    lost = "lost the connection to the database"
    with pytest.raises(DatabaseUnavailable, match=lost), store.transaction() as session:
        session.execute(kill)
    with pytest.raises(DatabaseUnavailable, match=lost), store.reading() as session:
        session.execute(kill)
    assert ReviewStore(store).all_events() == []  # the next command connects again


def _easy_run(**changes):
    import datetime as dt

    from engine.contract.models import SessionLog

    return SessionLog(date=dt.date(2026, 11, 20), kind="easy_run", duration_min=40, **changes)


def test_a_stored_row_that_no_longer_fits_the_model_is_named(
    db_url, store, profile, checkin, upcoming
):
    """A recommendation edited outside runstrong: 'today' says which model it no longer fits
    and exits 2 (it printed a pydantic dump and exited 70)."""
    from engine.app.checkin import check_in
    from engine.evaluation.evaluators import get_evaluator

    store.add_athlete(profile("ana"))
    rec_id = check_in(store, get_evaluator(), "ana", checkin(), upcoming).recommendation_id
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE recommendations SET recommendation = :junk WHERE id = :id"),
            {"junk": '{"broken": 1}', "id": rec_id},
        )
    day = checkin().date.isoformat()
    result = CliRunner().invoke(cli, ["--db", db_url, "today", "ana", "--date", day])
    assert result.exit_code == 2, result.output
    assert "holds a Recommendation that runstrong cannot read" in result.output
    assert "this is a bug" not in result.output
