"""Reads and writes of users, API tokens, coach assignments and login sessions.

Hashing happens in the application layer (``engine.app.accounts``); this module only stores
and finds the digests it is given. Each public method is one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CursorResult, Executable, delete, select, update
from sqlalchemy.orm import Session

from engine.storage.account_schema import (
    AccessEventRow,
    ApiTokenRow,
    CoachAssignmentRow,
    UserRow,
    WebSessionRow,
)
from engine.storage.athletes import athlete_row
from engine.storage.store import AlreadyExists, NotFound, Store
from engine.storage.transactions import refuse_duplicate


@dataclass(frozen=True)
class UserRecord:
    id: int
    name: str
    role: str
    athlete_id: str | None
    password_hash: str
    disabled: bool = False


@dataclass(frozen=True)
class TokenRecord:
    id: int
    created_at: dt.datetime
    # None: issued before tokens had an expiry (the app layer applies the default lifetime).
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


def _record(row: UserRow) -> UserRecord:
    return UserRecord(
        row.id, row.name, row.role, row.athlete_id, row.password_hash, row.disabled_at is not None
    )


def _token(row: ApiTokenRow) -> TokenRecord:
    return TokenRecord(row.id, row.created_at, row.expires_at, row.revoked_at)


def _audit(session: Session, actor: str, action: str, subject: str, detail: dict[str, Any]) -> None:
    session.add(
        AccessEventRow(
            at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            actor=actor,
            action=action,
            subject=subject,
            detail=detail,
        )
    )


def _changed(session: Session, statement: Executable) -> int:
    """How many rows an UPDATE or DELETE changed."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)  # what UPDATE and DELETE give
    return int(result.rowcount)


def _revoke_all(session: Session, user_id: int, now: dt.datetime) -> None:
    """End every login session and revoke every live token of the user."""
    session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))
    session.execute(
        update(ApiTokenRow)
        .where(ApiTokenRow.user_id == user_id, ApiTokenRow.revoked_at.is_(None))
        .values(revoked_at=now)
    )


class AccountStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # --- users ---

    def add_user(
        self, name: str, role: str, athlete_id: str | None, password_hash: str
    ) -> UserRecord:
        exists = f"user {name!r} already exists"
        with refuse_duplicate(exists), self.store.transaction() as session:
            if session.scalars(select(UserRow).where(UserRow.name == name)).first():
                raise AlreadyExists(exists)
            if athlete_id is not None:
                athlete_row(session, athlete_id)
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

    def list_users(self) -> list[UserRecord]:
        with self.store.reading() as session:
            return [_record(row) for row in session.scalars(select(UserRow).order_by(UserRow.name))]

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """A rehash of the same password (new parameters): nothing is revoked."""
        with self.store.transaction() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise NotFound(f"no user #{user_id}")
            row.password_hash = password_hash

    def change_password(
        self, user_id: int, password_hash: str, actor: str, now: dt.datetime
    ) -> None:
        """A new password ends every session and revokes every token, in one transaction."""
        with self.store.transaction() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise NotFound(f"no user #{user_id}")
            row.password_hash = password_hash
            _revoke_all(session, user_id, now)
            _audit(session, actor, "password_changed", row.name, {})

    def set_disabled(self, user_id: int, disabled: bool, actor: str, now: dt.datetime) -> bool:
        """Disable (ending sessions, revoking tokens) or enable; False when nothing changed."""
        with self.store.transaction() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise NotFound(f"no user #{user_id}")
            if (row.disabled_at is not None) == disabled:
                return False
            row.disabled_at = now if disabled else None
            if disabled:
                _revoke_all(session, user_id, now)
            _audit(session, actor, "disabled" if disabled else "enabled", row.name, {})
            return True

    # --- API tokens ---

    def add_token(self, user_id: int, token_hash: str, expires_at: dt.datetime) -> int:
        with self.store.transaction() as session:
            row = ApiTokenRow(user_id=user_id, token_hash=token_hash, expires_at=expires_at)
            session.add(row)
            session.flush()
            return row.id

    def token_owner(self, token_hash: str) -> tuple[UserRecord, TokenRecord] | None:
        """The user and the token, if the token is not revoked and the user not disabled
        (expiry is the app layer's: it knows the default lifetime of older tokens)."""
        with self.store.reading() as session:
            found = session.execute(
                select(UserRow, ApiTokenRow)
                .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
                .where(
                    ApiTokenRow.token_hash == token_hash,
                    ApiTokenRow.revoked_at.is_(None),
                    UserRow.disabled_at.is_(None),
                )
            ).first()
            return None if found is None else (_record(found[0]), _token(found[1]))

    def tokens_of(self, user_id: int) -> list[TokenRecord]:
        with self.store.reading() as session:
            rows = session.scalars(
                select(ApiTokenRow).where(ApiTokenRow.user_id == user_id).order_by(ApiTokenRow.id)
            )
            return [_token(row) for row in rows]

    def revoke_tokens(
        self, user_id: int, token_id: int | None, actor: str, now: dt.datetime
    ) -> int:
        """Revoke one live token of the user (or all with ``token_id`` None); how many."""
        with self.store.transaction() as session:
            query = update(ApiTokenRow).where(
                ApiTokenRow.user_id == user_id, ApiTokenRow.revoked_at.is_(None)
            )
            if token_id is not None:
                query = query.where(ApiTokenRow.id == token_id)
            count = _changed(session, query.values(revoked_at=now))
            user = session.get(UserRow, user_id)
            if count and user is not None:
                _audit(session, actor, "token_revoked", user.name, {"token": token_id or "all"})
            return int(count)

    # --- coach assignments ---

    def assign(self, coach_id: int, athlete_id: str) -> bool:
        """Assign; False when the coach already had the athlete."""
        with self.store.transaction() as session:
            athlete_row(session, athlete_id)
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

    def unassign(self, coach_id: int, athlete_id: str) -> bool:
        """Take the athlete from the coach; False when the coach did not have them."""
        with self.store.transaction() as session:
            athlete_row(session, athlete_id)
            removed = _changed(
                session,
                delete(CoachAssignmentRow).where(
                    CoachAssignmentRow.coach_id == coach_id,
                    CoachAssignmentRow.athlete_id == athlete_id,
                ),
            )
            return bool(removed)

    def has_coach(self, athlete_id: str) -> bool:
        with self.store.reading() as session:
            return (
                session.scalars(
                    select(CoachAssignmentRow.id).where(CoachAssignmentRow.athlete_id == athlete_id)
                ).first()
                is not None
            )

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
                .where(
                    WebSessionRow.token_hash == token_hash,
                    WebSessionRow.expires_at > now,
                    UserRow.disabled_at.is_(None),
                )
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

    # --- the audit of account changes and corrections ---

    def record_event(self, actor: str, action: str, subject: str, detail: dict[str, Any]) -> None:
        with self.store.transaction() as session:
            _audit(session, actor, action, subject, detail)

    def events(self, subject: str) -> list[tuple[str, str, dict[str, Any]]]:
        """(actor, action, detail) of each event about ``subject``, oldest first."""
        with self.store.reading() as session:
            rows = session.scalars(
                select(AccessEventRow)
                .where(AccessEventRow.subject == subject)
                .order_by(AccessEventRow.id)
            )
            return [(row.actor, row.action, dict(row.detail)) for row in rows]
