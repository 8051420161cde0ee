"""Errors that reach a person: each names the file and line, or the field, that is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [part for part in (where, self.field) if part]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class RunstrongError(Exception):
    """The root of every error runstrong raises on purpose: a caller of the Python API can
    catch this one class. Anything else that escapes is a bug."""


class UserError(RunstrongError):
    """A problem the person running runstrong can fix (bad input, a missing athlete, a store
    refusal such as a duplicate check-in or a missing database ...).

    The command line reports it in plain words with exit status 2; every other exception that
    reaches it is a bug. Subclass this for any error a user is expected to meet.
    """


@dataclass
class InputError(UserError):
    """Bad input: one or more problems, each with its location."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class EngineError(RunstrongError, RuntimeError):
    """The engine itself failed (a rule action raised, durable_rules reported an error)."""


# Plain words for every pattern a schema uses, so that an error never shows a regex. A test
# checks that each pattern in the published schemas is here.
PATTERN_WORDS: dict[str, str] = {
    r"^[a-z][a-z0-9_]*$": "an id in lower snake_case (a-z, 0-9 and _, starting with a letter), "
    "e.g. goblet_squat",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$": "an athlete id: up to 64 letters, digits, '.', '_' or "
    "'-', starting with a letter or a digit, e.g. ana",
    r"^RS[0-9]{3}$": "a rule id: RS and three digits, e.g. RS101",
    r"^INV[0-9]{2,3}$": "an invariant id: INV and two or three digits, e.g. INV01",
    r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$": "a name in lower case words joined by '-', "
    "e.g. low-readiness",
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$": "a setting key: lower snake_case words joined by "
    "'.', e.g. hiit.readiness_min_pct",
    r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$": "a field reference FACT.FIELD, "
    "e.g. checkin.recovery_pct",
    r"^([HSFLPIWO][0-9]+|D\.[1-3]-[0-9]+)$": "a coaching-catalogue id, e.g. H1 or D.3-2",
    r"^D[0-9]$": "a document code: D and one digit, e.g. D1",
    r"^[0-9]{3}_[0-9a-f]{16}\.txt$": "a seed file name like 001_0123456789abcdef.txt",
    r"^default_[a-z0-9_]+$": "a default id starting with default_, e.g. default_heavy_threshold",
}

_PLAIN_TYPES = {
    "finite_number": "should be a finite number (infinity and NaN are refused)",
    "extra_forbidden": "unknown field (not allowed here)",
    "missing": "required field is missing",
}


def plain_message(error: Mapping[str, Any]) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) in plain words."""
    kind = str(error.get("type", ""))
    if kind in _PLAIN_TYPES:
        return _PLAIN_TYPES[kind]
    if kind == "string_pattern_mismatch":
        pattern = str((error.get("ctx") or {}).get("pattern", ""))
        words = PATTERN_WORDS.get(pattern, "in the expected form")
        return f"{error.get('input')!r} is not {words}"
    message = str(error.get("msg", ""))
    # pydantic prefixes the messages of our own validators with "Value error, ".
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message
