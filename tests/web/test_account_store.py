"""Migration 0006 and the account store on SQLite and PostgreSQL: users, tokens, coach
assignments and login sessions, and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.storage.accounts import AccountStore
from engine.storage.store import AlreadyExists, NotFound, Store
from tests.storage.conftest import db_url  # noqa: F401  (the two-backend fixture)
from tests.web.conftest import profile


def test_accounts_round_trip(db_url: str) -> None:  # noqa: F811
    store = Store.open(db_url, create=True)
    store.add_athlete(profile("ana", dt.date(2026, 11, 1)))
    accounts = AccountStore(store)
    coach = accounts.add_user("sam", "coach", None, "hash-1")
    athlete = accounts.add_user("ana-user", "athlete", "ana", "hash-2")
    with pytest.raises(AlreadyExists):
        accounts.add_user("sam", "coach", None, "hash-3")
    with pytest.raises(NotFound):
        accounts.add_user("x", "athlete", "nobody", "hash-4")
    assert accounts.assign(coach.id, "ana") is True
    assert accounts.assign(coach.id, "ana") is False
    assert accounts.athletes_of(coach.id) == ["ana"]
    accounts.add_token(athlete.id, "digest-1")
    assert accounts.user_for_token("digest-1") == athlete
    assert accounts.user_for_token("digest-2") is None
    now = dt.datetime(2026, 11, 2, 8, 0)
    accounts.add_session(coach.id, "session-1", "csrf-1", now + dt.timedelta(hours=1))
    accounts.add_session(coach.id, "old", "csrf-2", now - dt.timedelta(hours=1))
    assert accounts.session_user("session-1", now) == (coach, "csrf-1")
    assert accounts.session_user("old", now) is None  # expired
    accounts.end_session("session-1", now)
    assert accounts.session_user("session-1", now) is None
