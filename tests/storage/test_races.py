"""Six writers on one row at the same moment, on SQLite and PostgreSQL: six
``review approve`` of one recommendation record exactly one decision, and six ``log edit`` of
one session log leave exactly one current version. SQLite serialises writers with BEGIN
IMMEDIATE; on PostgreSQL the write takes the row lock (SELECT ... FOR UPDATE), so the others
wait, then see the row as changed and are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from engine.contract.models import SessionLog
from tests.storage import race_workers
from tests.storage.test_processes import _run_together

pytestmark = pytest.mark.slow
WRITERS = 6
TODAY = dt.date.today()


def _count(store, sql: str, **params: object) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(text(sql), params).scalar_one())


def test_six_approvals_at_once_record_one_decision(db_url, store, profile, checkin, upcoming):
    store.add_athlete(profile("ana", has_coach=True))
    from engine.app.checkin import check_in
    from engine.evaluation.evaluators import get_evaluator

    stored = check_in(store, get_evaluator(), "ana", checkin(), upcoming)
    rec_id = stored.recommendation_id
    outcomes = _run_together(
        race_workers.approve, [(db_url, rec_id, f"coach-{n}") for n in range(WRITERS)]
    )
    assert sorted(status for status, _ in outcomes) == ["ok"] + ["refused"] * (WRITERS - 1), (
        outcomes
    )
    assert all("already approved" in detail for status, detail in outcomes if status == "refused")
    events = _count(
        store, "SELECT COUNT(*) FROM review_events WHERE recommendation_id = :r", r=rec_id
    )
    assert events == 1


def test_six_edits_at_once_leave_one_current_version(db_url, store, profile):
    store.add_athlete(profile("ana"))
    log_id = store.log_session("ana", SessionLog(date=TODAY, kind="easy_run", duration_min=40))
    outcomes = _run_together(race_workers.edit, [(db_url, log_id, 41 + n) for n in range(WRITERS)])
    assert sorted(status for status, _ in outcomes) == ["ok"] + ["refused"] * (WRITERS - 1), (
        outcomes
    )
    current = _count(
        store, "SELECT COUNT(*) FROM session_logs WHERE athlete_id = 'ana' AND status = 'current'"
    )
    assert current == 1
    assert len(store.sessions("ana")) == 1
