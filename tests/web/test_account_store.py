"""Migrations 0006 and 0008 and the account store on SQLite and PostgreSQL: users, tokens, coach
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
    expires = dt.datetime(2027, 2, 1)
    token_id = accounts.add_token(athlete.id, "digest-1", expires)
    owner = accounts.token_owner("digest-1")
    assert owner is not None and owner[0] == athlete and owner[1].expires_at == expires
    assert accounts.token_owner("digest-2") is None
    assert accounts.revoke_tokens(athlete.id, token_id, "admin", dt.datetime(2026, 11, 2)) == 1
    assert accounts.token_owner("digest-1") is None  # revoked
    now = dt.datetime(2026, 11, 2, 8, 0)
    accounts.add_session(coach.id, "session-1", "csrf-1", now + dt.timedelta(hours=1))
    accounts.add_session(coach.id, "old", "csrf-2", now - dt.timedelta(hours=1))
    assert accounts.session_user("session-1", now) == (coach, "csrf-1")
    assert accounts.session_user("old", now) is None  # expired
    accounts.end_session("session-1", now)
    assert accounts.session_user("session-1", now) is None
    accounts.add_session(coach.id, "session-2", "csrf-3", now + dt.timedelta(hours=1))
    assert accounts.set_disabled(coach.id, True, "admin", now) is True
    assert accounts.session_user("session-2", now) is None  # a disable ends the sessions
    assert accounts.set_disabled(coach.id, True, "admin", now) is False
    assert accounts.unassign(coach.id, "ana") is True
    assert accounts.athletes_of(coach.id) == []
    assert [action for _, action, _ in accounts.events("sam")] == ["disabled"]
