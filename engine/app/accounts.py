"""Accounts and access: users, passwords, API tokens, login sessions, and who may see what.

- Passwords are hashed with argon2id (argon2-cffi's memory-hard defaults); API tokens and
  session tokens are 256-bit random strings stored only as SHA-256 digests.
- A coach sees and decides only for the athletes assigned to them; an athlete user sees only
  their own athlete. :class:`Principal` answers that question for the web app and the API.
- Failed logins are throttled per user name and per client (:class:`LoginThrottle`).

The numbers in :class:`AccessSettings` are ours (defaults, not from the articles); ``runstrong
serve`` can change them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine.contract.errors import InputError, Problem
from engine.storage.accounts import AccountStore, UserRecord
from engine.storage.store import Store

Role = Literal["coach", "athlete"]
ROLES: tuple[str, ...] = ("coach", "athlete")
USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

_hasher = PasswordHasher()


@dataclass(frozen=True)
class AccessSettings:
    """Defaults (ours): how long a login lasts and when failed logins are throttled."""

    session_hours: float = 12.0
    min_password_length: int = 10
    max_failed_logins: int = 5
    failed_login_window_s: float = 15 * 60
    lockout_s: float = 15 * 60


class AccessDenied(Exception):
    """Wrong credentials, or a throttled login; the message is safe to show."""


class Throttled(AccessDenied):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    athlete_id: str | None


def _user(record: UserRecord) -> User:
    role: Role = "coach" if record.role == "coach" else "athlete"
    return User(record.id, record.name, role, record.athlete_id)


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


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def principal_for(store: Store, record: UserRecord, csrf_token: str | None = None) -> Principal:
    user = _user(record)
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
    if len(password) < settings.min_password_length:
        problems.append(
            Problem(f"at least {settings.min_password_length} characters", field="password")
        )
    if problems:
        raise InputError(problems)
    if athlete_id is not None:
        store.get_athlete(athlete_id)  # NotFound names the athlete
    record = AccountStore(store).add_user(name, role, athlete_id, _hasher.hash(password))
    return _user(record)


def issue_token(store: Store, name: str) -> str:
    """A new API token for the user; only its digest is stored, so it is shown once."""
    user = AccountStore(store).get_user(name)
    token = secrets.token_urlsafe(32)
    AccountStore(store).add_token(user.id, digest(token))
    return token


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


@dataclass
class LoginThrottle:
    """Failed logins per key (user name, client address) in a sliding window; past the limit,
    that key is locked out for a while. In memory: one ``runstrong serve`` process."""

    settings: AccessSettings = field(default_factory=AccessSettings)
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _locked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, keys: list[str]) -> None:
        now = self.clock()
        with self._lock:
            waits = [self._locked_until.get(key, 0.0) - now for key in keys]
        wait = max(waits, default=0.0)
        if wait > 0:
            raise Throttled(math.ceil(wait))

    def failed(self, keys: list[str]) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                failures = self._failures[key]
                failures.append(now)
                while failures and failures[0] <= now - self.settings.failed_login_window_s:
                    failures.popleft()
                if len(failures) >= self.settings.max_failed_logins:
                    self._locked_until[key] = now + self.settings.lockout_s
                    failures.clear()

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


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
) -> LoginSession:
    settings = settings or AccessSettings()
    keys = [f"user:{name}", f"client:{client}"]
    throttle.check(keys)
    accounts = AccountStore(store)
    record = accounts.find_user(name)
    try:
        if record is None:
            # Same work as a real check, so timing does not tell which names exist.
            _hasher.hash(password)
            raise VerificationError
        _hasher.verify(record.password_hash, password)
    except (VerificationError, InvalidHashError):
        throttle.failed(keys)
        raise AccessDenied("wrong user name or password") from None
    throttle.succeeded(keys)
    if _hasher.check_needs_rehash(record.password_hash):
        accounts.set_password_hash(record.id, _hasher.hash(password))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    max_age = int(settings.session_hours * 3600)
    accounts.add_session(record.id, digest(token), csrf, _utcnow() + dt.timedelta(seconds=max_age))
    return LoginSession(token, csrf, principal_for(store, record, csrf), max_age)


def principal_for_session(store: Store, token: str) -> Principal | None:
    found = AccountStore(store).session_user(digest(token), _utcnow())
    if found is None:
        return None
    record, csrf = found
    return principal_for(store, record, csrf)


def principal_for_token(store: Store, token: str) -> Principal | None:
    record = AccountStore(store).user_for_token(digest(token))
    return None if record is None else principal_for(store, record)


def log_out(store: Store, token: str) -> None:
    AccountStore(store).end_session(digest(token), _utcnow())


def csrf_matches(principal: Principal, given: str | None) -> bool:
    expected = principal.csrf_token
    return bool(expected and given and secrets.compare_digest(expected, given))
