"""Managing accounts: list users, disable and enable them, set or change a password, list and
revoke API tokens, take an athlete from a coach. Every change that could leave a stolen
credential working (a disable, a new password) revokes the user's sessions and tokens in the
same transaction, and each is written to the access audit with who made it."""

from __future__ import annotations

from dataclasses import dataclass

from argon2.exceptions import InvalidHashError, VerificationError

from engine.app.accounts import (
    AccessSettings,
    Principal,
    User,
    hasher,
    new_password_problems,
    user_of,
    utcnow,
)
from engine.app.passwords import HashGate, OpenGate, check_new_password
from engine.contract.errors import InputError, Problem
from engine.storage.accounts import AccountStore, TokenRecord
from engine.storage.store import NotFound, Store


@dataclass(frozen=True)
class UserListing:
    user: User
    athletes: list[str]  # a coach's athletes; an athlete user's own profile


def list_users(store: Store) -> list[UserListing]:
    accounts = AccountStore(store)
    listing = []
    for record in accounts.list_users():
        user = user_of(record)
        if user.role == "coach":
            athletes = accounts.athletes_of(user.id)
        else:
            athletes = [user.athlete_id] if user.athlete_id else []
        listing.append(UserListing(user, athletes))
    return listing


def set_disabled(store: Store, name: str, disabled: bool, actor: str) -> bool:
    """Disable a user (their sessions end and their tokens are revoked) or enable them again
    (revoked tokens stay revoked); False when they already were."""
    accounts = AccountStore(store)
    return accounts.set_disabled(accounts.get_user(name).id, disabled, actor, utcnow())


def set_password(
    store: Store,
    name: str,
    password: str,
    actor: str,
    settings: AccessSettings | None = None,
    gate: HashGate | None = None,
) -> None:
    """A new password (held to the policy); every session and token of the user is revoked."""
    settings = settings or AccessSettings()
    check_new_password(password, name, settings.min_password_length, settings.max_password_length)
    accounts = AccountStore(store)
    user = accounts.get_user(name)
    with (gate or OpenGate()).slot():
        hashed = hasher().hash(password)
    accounts.change_password(user.id, hashed, actor, utcnow())


def change_own_password(
    store: Store,
    principal: Principal,
    current: str,
    new: str,
    settings: AccessSettings,
    gate: HashGate,
) -> None:
    """The logged-in user's own change: the current password first, then the policy."""
    record = AccountStore(store).get_user(principal.user.name)
    problems = new_password_problems(new, record.name, settings)
    with gate.slot():
        try:
            hasher().verify(record.password_hash, current)
        except (VerificationError, InvalidHashError):
            problems.insert(0, Problem("the current password is wrong", field="current"))
    if problems:
        raise InputError(problems)
    set_password(store, record.name, new, record.name, settings, gate)


def tokens_of(store: Store, name: str) -> list[TokenRecord]:
    accounts = AccountStore(store)
    return accounts.tokens_of(accounts.get_user(name).id)


def revoke_tokens(store: Store, name: str, token_id: int | None, actor: str) -> int:
    """Revoke one token of the user by its id (or all of them); how many were revoked."""
    accounts = AccountStore(store)
    user = accounts.get_user(name)
    revoked = accounts.revoke_tokens(user.id, token_id, actor, utcnow())
    if token_id is not None and not revoked:
        raise NotFound(f"user {name!r} has no live token {token_id}")
    return revoked


def unassign_coach(store: Store, coach_name: str, athlete_id: str) -> bool:
    """Take the athlete from the coach (False when the coach did not have them). An athlete
    left without any coach gets final recommendations again, as before a coach was assigned."""
    accounts = AccountStore(store)
    coach = accounts.get_user(coach_name)
    profile = store.get_athlete(athlete_id)
    removed = accounts.unassign(coach.id, athlete_id)
    if removed and profile.has_coach and not accounts.has_coach(athlete_id):
        store.update_athlete(
            profile.model_copy(update={"has_coach": False}),
            reason=f"coach {coach_name} unassigned",
        )
    return removed
