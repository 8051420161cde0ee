"""Errors that reach a person: each names the file and line, or the field, that is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field


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


class UserError(Exception):
    """A problem the person running runstrong can fix (bad input, a missing athlete ...).

    The command line reports it in plain words with exit status 2; every other exception that
    reaches it is a bug. Subclass this for any error a user is expected to meet.
    """


@dataclass
class InputError(UserError):
    """Bad input: one or more problems, each with its location."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class EngineError(RuntimeError):
    """The engine itself failed (a rule action raised, durable_rules reported an error)."""
