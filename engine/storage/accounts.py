"""Reads and writes of users, API tokens, coach assignments and login sessions.

Hashing happens in the application layer (``engine.app.accounts``); this module only stores
and finds the digests it is given. Each public method is one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select

from engine.storage.account_schema import (
    ApiTokenRow,
    CoachAssignmentRow,
    UserRow,
    WebSessionRow,
)
from engine.storage.store import AlreadyExists, NotFound, Store


@dataclass(frozen=True)
class UserRecord:
    id: int
    name: str
    role: str
    athlete_id: str | None
    password_hash: str


def _record(row: UserRow) -> UserRecord:
    return UserRecord(row.id, row.name, row.role, row.athlete_id, row.password_hash)


class AccountStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # --- users ---

    def add_user(
        self, name: str, role: str, athlete_id: str | None, password_hash: str
    ) -> UserRecord:
        exists = f"user {name!r} already exists"
        with self.store._refuse_duplicate(exists), self.store.transaction() as session:
            if session.scalars(select(UserRow).where(UserRow.name == name)).first():
                raise AlreadyExists(exists)
            if athlete_id is not None:
                self.store._athlete_row(session, athlete_id)
            row = UserRow(name=name, role=role, athlete_id=athlete_id, password_hash=password_hash)
            session.add(row)
            session.flush()
            return _record(row)

    def find_user(self, name: str) -> UserRecord | None:
        with self.store.reading() as session:
            row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
            return None if row is None else _record(row)

    def get_user(self, name: str) -> UserRecord:
        user = self.find_user(name)
        if user is None:
            raise NotFound(f"no user {name!r}; add one with 'runstrong user add'")
        return user

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self.store.transaction() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise NotFound(f"no user #{user_id}")
            row.password_hash = password_hash

    # --- API tokens ---

    def add_token(self, user_id: int, token_hash: str) -> None:
        with self.store.transaction() as session:
            session.add(ApiTokenRow(user_id=user_id, token_hash=token_hash))

    def user_for_token(self, token_hash: str) -> UserRecord | None:
        with self.store.reading() as session:
            row = session.scalars(
                select(UserRow)
                .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
                .where(ApiTokenRow.token_hash == token_hash)
            ).first()
            return None if row is None else _record(row)

    # --- coach assignments ---

    def assign(self, coach_id: int, athlete_id: str) -> bool:
        """Assign; False when the coach already had the athlete."""
        with self.store.transaction() as session:
            self.store._athlete_row(session, athlete_id)
            existing = session.scalars(
                select(CoachAssignmentRow).where(
                    CoachAssignmentRow.coach_id == coach_id,
                    CoachAssignmentRow.athlete_id == athlete_id,
                )
            ).first()
            if existing is not None:
                return False
            session.add(CoachAssignmentRow(coach_id=coach_id, athlete_id=athlete_id))
            return True

    def athletes_of(self, coach_id: int) -> list[str]:
        with self.store.reading() as session:
            return list(
                session.scalars(
                    select(CoachAssignmentRow.athlete_id)
                    .where(CoachAssignmentRow.coach_id == coach_id)
                    .order_by(CoachAssignmentRow.athlete_id)
                )
            )

    # --- login sessions ---

    def add_session(
        self, user_id: int, token_hash: str, csrf_token: str, expires_at: dt.datetime
    ) -> None:
        with self.store.transaction() as session:
            session.add(
                WebSessionRow(
                    user_id=user_id,
                    token_hash=token_hash,
                    csrf_token=csrf_token,
                    expires_at=expires_at,
                )
            )

    def session_user(self, token_hash: str, now: dt.datetime) -> tuple[UserRecord, str] | None:
        """The user and CSRF token of a live session."""
        with self.store.reading() as session:
            found = session.execute(
                select(UserRow, WebSessionRow.csrf_token)
                .join(WebSessionRow, WebSessionRow.user_id == UserRow.id)
                .where(WebSessionRow.token_hash == token_hash, WebSessionRow.expires_at > now)
            ).first()
            return None if found is None else (_record(found[0]), found[1])

    def end_session(self, token_hash: str, now: dt.datetime) -> None:
        """Delete that session, and every expired one while we are here."""
        with self.store.transaction() as session:
            session.execute(
                delete(WebSessionRow).where(
                    (WebSessionRow.token_hash == token_hash) | (WebSessionRow.expires_at <= now)
                )
            )
