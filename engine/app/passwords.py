"""Passwords: the policy a new password must meet, and a bound on concurrent hashing.

- The policy is OWASP ASVS level 1 (V2.1): at least ``min_password_length`` characters
  (12 by default), at most ``max_password_length``, no composition rules, and not one of the
  20,000 most common passwords. The list ships in the package (``data/common-passwords.txt.gz``,
  Royce Williams' list as Django ships it, BSD licence beside it) and is compared lower-cased.
- argon2id costs about 64 MiB of memory per hash, by design. :class:`HashGate` lets only
  ``max_concurrent_hashes`` run at once and ``max_queued_hashes`` wait; anyone past that is
  told to come back (:class:`HashingBusy`, which the web app answers with 503 and
  Retry-After), so a burst of logins can neither exhaust the memory nor take every core and
  thread from the athletes' pages.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from engine.contract.errors import InputError, Problem, RunstrongError

COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def password_problems(
    password: str, name: str, min_length: int, max_length: int, field: str = "password"
) -> list[Problem]:
    """What is wrong with ``password`` as a new password for user ``name`` (empty: nothing)."""
    if len(password) < min_length:
        return [Problem(f"use at least {min_length} characters", field=field)]
    if len(password) > max_length:
        return [Problem(f"use at most {max_length} characters", field=field)]
    lowered = password.lower()
    if lowered in common_passwords():
        return [Problem("this is one of the most common passwords; choose another", field=field)]
    if lowered == name.lower():
        return [Problem("the password must not be the user name", field=field)]
    return []


def check_new_password(
    password: str, name: str, min_length: int, max_length: int, field: str = "password"
) -> None:
    problems = password_problems(password, name, min_length, max_length, field)
    if problems:
        raise InputError(problems)


class HashingBusy(RunstrongError):
    """Too many password hashes running and waiting; try again after ``retry_after_s``."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"the server is busy checking passwords; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class HashGate:
    """At most ``running`` hashes at once and ``queued`` more waiting, per process."""

    def __init__(self, running: int, queued: int, retry_after_s: int) -> None:
        self._running = threading.BoundedSemaphore(running)
        self._admitted = threading.BoundedSemaphore(running + queued)
        self.retry_after_s = retry_after_s

    @contextmanager
    def slot(self) -> Iterator[None]:
        # Refuse at once rather than queue without end: a waiting request holds a thread.
        if not self._admitted.acquire(blocking=False):
            raise HashingBusy(self.retry_after_s)
        try:
            with self._running:
                yield
        finally:
            self._admitted.release()


class OpenGate(HashGate):
    """No bound: one command-line process hashing one password."""

    def __init__(self) -> None:
        super().__init__(1, 0, 0)

    @contextmanager
    def slot(self) -> Iterator[None]:
        yield
