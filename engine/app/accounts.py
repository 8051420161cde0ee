"""Accounts and access: users, passwords, API tokens, login sessions, and who may see what.

- Passwords are hashed with argon2id (argon2-cffi's memory-hard defaults); API tokens and
  session tokens are 256-bit random strings stored only as SHA-256 digests.
- A coach sees and decides only for the athletes assigned to them; an athlete user sees only
  their own athlete. :class:`Principal` answers that question for the web app and the API.
- Managing accounts (disable, new password, token revocation, unassign) is in
  ``engine.app.account_admin``.
- Failed logins are throttled in the database (``engine.app.throttle``); every hash goes
  through a bounded gate (``engine.app.passwords``). A disabled user, a changed password and a
  revoked or expired token end access at once: nothing is cached in a process.

The numbers in :class:`AccessSettings` are ours (defaults, not from the articles); ``runstrong
serve`` can change them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine.app.passwords import HashGate, OpenGate, check_new_password
from engine.app.throttle import LoginThrottle, Throttled
from engine.contract.errors import InputError, Problem, UserError
from engine.storage.accounts import AccountStore, TokenRecord, UserRecord
from engine.storage.store import Store

Role = Literal["coach", "athlete"]
ROLES: tuple[str, ...] = ("coach", "athlete")
USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

_hasher = PasswordHasher()


def hasher() -> PasswordHasher:
    """The process's argon2 hasher (looked up at each call: the tests swap in a cheap one)."""
    return _hasher


@dataclass(frozen=True)
class AccessSettings:
    """Defaults (ours, not from the articles): logins, tokens, passwords, the throttle and
    the bound on password hashing. ``runstrong serve`` reads them from here."""

    # How long a login session lasts.
    session_hours: float = 12.0
    # How long an API token lasts unless ``user token --days`` says otherwise.
    token_days: int = 90
    # OWASP ASVS L1 (V2.1.1, V2.1.2): at least 12 characters; 1,024 bounds the work per hash.
    min_password_length: int = 12
    max_password_length: int = 1024
    # Failed logins within the window: per name from one address, per address, per name.
    failed_login_window_s: float = 15 * 60
    max_failed_logins: int = 5
    max_failed_logins_per_client: int = 20
    max_failed_logins_per_name: int = 50
    # argon2id takes ~64 MiB a hash: this many at once per process, this many waiting,
    # and the Retry-After (seconds) told to the rest.
    max_concurrent_hashes: int = 2
    max_queued_hashes: int = 8
    hashing_retry_after_s: int = 5


class AccessDenied(UserError):
    """Wrong credentials, or a throttled login; the message is safe to show."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    athlete_id: str | None
    disabled: bool = False


def user_of(record: UserRecord) -> User:
    role: Role = "coach" if record.role == "coach" else "athlete"
    return User(record.id, record.name, role, record.athlete_id, record.disabled)


@dataclass(frozen=True)
class Principal:
    """An authenticated user and the athletes they may see."""

    user: User
    athletes: frozenset[str]
    # The CSRF token of the login session; None when authenticated by API token.
    csrf_token: str | None = None

    @property
    def is_coach(self) -> bool:
        return self.user.role == "coach"

    def can_see(self, athlete_id: str) -> bool:
        return athlete_id in self.athletes


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def principal_for(store: Store, record: UserRecord, csrf_token: str | None = None) -> Principal:
    user = user_of(record)
    if user.role == "coach":
        athletes = frozenset(AccountStore(store).athletes_of(user.id))
    else:
        athletes = frozenset([user.athlete_id] if user.athlete_id else [])
    return Principal(user, athletes, csrf_token)


# --- managing users ------------------------------------------------------------------------


def add_user(
    store: Store,
    name: str,
    role: str,
    password: str,
    athlete_id: str | None = None,
    settings: AccessSettings | None = None,
) -> User:
    settings = settings or AccessSettings()
    problems = []
    if not USER_NAME.match(name):
        problems.append(Problem("use letters, digits, '.', '_' or '-' (at most 64)", field="name"))
    if role not in ROLES:
        problems.append(Problem(f"unknown role {role!r}; use coach or athlete", field="role"))
    if role == "athlete" and not athlete_id:
        problems.append(Problem("an athlete user needs --athlete ID", field="athlete"))
    if role == "coach" and athlete_id:
        problems.append(
            Problem("a coach is not an athlete profile; drop --athlete", field="athlete")
        )
    problems += new_password_problems(password, name, settings)
    if problems:
        raise InputError(problems)
    if athlete_id is not None:
        store.get_athlete(athlete_id)  # NotFound names the athlete
    record = AccountStore(store).add_user(name, role, athlete_id, _hasher.hash(password))
    return user_of(record)


def new_password_problems(password: str, name: str, settings: AccessSettings) -> list[Problem]:
    """What keeps ``password`` from being ``name``'s new password (the policy, as problems)."""
    try:
        check_new_password(
            password, name, settings.min_password_length, settings.max_password_length
        )
    except InputError as error:
        return list(error.problems)
    return []


def issue_token(
    store: Store, name: str, days: int | None = None, settings: AccessSettings | None = None
) -> str:
    """A new API token for the user, valid ``days`` (default ``token_days``); only its digest
    is stored, so it is shown once."""
    settings = settings or AccessSettings()
    lifetime = settings.token_days if days is None else days
    if lifetime < 1:
        raise InputError([Problem("a token lasts at least 1 day", field="days")])
    user = AccountStore(store).get_user(name)
    if user.disabled:
        raise InputError([Problem(f"user {name!r} is disabled; enable them first", field="name")])
    token = secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(days=lifetime)
    AccountStore(store).add_token(user.id, digest(token), expires)
    return token


def token_expiry(token: TokenRecord, settings: AccessSettings) -> dt.datetime:
    """When a token expires (tokens from before expiry existed: ``token_days`` after issue)."""
    return token.expires_at or token.created_at + dt.timedelta(days=settings.token_days)


def assign_coach(store: Store, coach_name: str, athlete_id: str) -> bool:
    """Give the coach the athlete; the athlete's ladder advances then wait for review."""
    accounts = AccountStore(store)
    coach = accounts.get_user(coach_name)
    if coach.role != "coach":
        raise InputError([Problem(f"{coach_name!r} is not a coach", field="coach")])
    profile = store.get_athlete(athlete_id)
    added = accounts.assign(coach.id, athlete_id)
    if not profile.has_coach:
        store.update_athlete(
            profile.model_copy(update={"has_coach": True}), reason=f"coach {coach_name} assigned"
        )
    return added


# --- authenticating ------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginSession:
    token: str  # goes in the cookie; only its digest is stored
    csrf_token: str
    principal: Principal
    max_age_s: int


def log_in(
    store: Store,
    name: str,
    password: str,
    client: str,
    throttle: LoginThrottle,
    settings: AccessSettings | None = None,
    gate: HashGate | None = None,
) -> LoginSession:
    """A new login session; :class:`AccessDenied` (or :class:`Throttled`) if not, and
    ``HashingBusy`` when too many passwords are being checked at once."""
    settings = settings or AccessSettings()
    gate = gate or OpenGate()
    try:
        throttle.check(name, client)
    except Throttled as error:
        raise AccessDenied(str(error)) from None
    accounts = AccountStore(store)
    record = accounts.find_user(name)
    try:
        with gate.slot():
            if record is None or record.disabled:
                # Same work as a real check, so timing does not tell which names exist.
                _hasher.hash(password)
                raise VerificationError
            _hasher.verify(record.password_hash, password)
            rehash = _hasher.check_needs_rehash(record.password_hash)
            new_hash = _hasher.hash(password) if rehash else None
    except (VerificationError, InvalidHashError):
        throttle.failed(name, client)
        raise AccessDenied("wrong user name or password") from None
    throttle.succeeded(name, client)
    assert record is not None  # an unknown name raised above
    if new_hash is not None:
        accounts.set_password_hash(record.id, new_hash)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    max_age = int(settings.session_hours * 3600)
    accounts.add_session(record.id, digest(token), csrf, utcnow() + dt.timedelta(seconds=max_age))
    return LoginSession(token, csrf, principal_for(store, record, csrf), max_age)


def principal_for_session(store: Store, token: str) -> Principal | None:
    found = AccountStore(store).session_user(digest(token), utcnow())
    if found is None:
        return None
    record, csrf = found
    return principal_for(store, record, csrf)


def principal_for_token(
    store: Store, token: str, settings: AccessSettings | None = None
) -> Principal | None:
    """The token's user, unless the token is revoked or expired or the user disabled."""
    found = AccountStore(store).token_owner(digest(token))
    if found is None:
        return None
    record, stored = found
    if utcnow() >= token_expiry(stored, settings or AccessSettings()):
        return None
    return principal_for(store, record)


def log_out(store: Store, token: str) -> None:
    AccountStore(store).end_session(digest(token), utcnow())


def csrf_matches(principal: Principal, given: str | None) -> bool:
    expected = principal.csrf_token
    return bool(expected and given and secrets.compare_digest(expected, given))
