"""Event titles to session kinds: an ordered list of rules, the first that matches wins.

A rule names a kind (or ``skip``: the event is left out, as a plan's week-summary events
should be) and the words (whole words, any case) and patterns (regular expressions, any case)
that select it. The default list is ``title_kinds.yaml``; ``--mapping FILE`` gives another, in
the same form, or in the older form ``kinds: {KIND: [WORDS]}`` (words only, in that order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from engine.contract.errors import InputError, Problem
from engine.contract.models import SESSION_KINDS

SKIP = "skip"
# Titles are matched on their first characters only, so a hostile title cannot make a
# pattern run long; no real event title is longer.
MAX_TITLE_CHARS = 200
MAX_PATTERN_CHARS = 200


@dataclass(frozen=True)
class TitleRule:
    kind: str  # a session kind, or SKIP
    words: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, title: str) -> bool:
        text = title[:MAX_TITLE_CHARS].lower()
        if any(re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text) for word in self.words):
            return True
        return any(pattern.search(text) for pattern in self.patterns)


def kind_for_title(title: str, rules: tuple[TitleRule, ...]) -> str | None:
    """The first matching rule's kind (or SKIP); None when no rule matches."""
    for rule in rules:
        if rule.matches(title):
            return rule.kind
    return None


def _strings(value: Any, field: str, file: str, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        problems.append(Problem("expected a list of words", file=file, field=field))
        return ()
    return tuple(word.strip().lower() for word in value)


def _patterns(
    value: Any, field: str, file: str, problems: list[Problem]
) -> tuple[re.Pattern[str], ...]:
    compiled: list[re.Pattern[str]] = []
    for index, text in enumerate(_strings(value, field, file, problems)):
        if len(text) > MAX_PATTERN_CHARS:
            problems.append(
                Problem(f"longer than {MAX_PATTERN_CHARS} characters", file=file, field=field)
            )
            continue
        try:
            compiled.append(re.compile(text, re.IGNORECASE))
        except re.error as error:
            problems.append(
                Problem(f"not a regular expression ({error})", file=file, field=f"{field}[{index}]")
            )
    return tuple(compiled)


def _kind(value: Any, field: str, file: str, problems: list[Problem]) -> str | None:
    if value == SKIP or value in SESSION_KINDS:
        return str(value)
    problems.append(
        Problem(
            f"unknown session kind '{value}' (one of {', '.join(SESSION_KINDS)}, or {SKIP})",
            file=file,
            field=field,
        )
    )
    return None


def validate_rules(data: Any, file: str) -> tuple[TitleRule, ...]:
    """Title rules from YAML data (``rules:`` list, or the older ``kinds:`` mapping), checked;
    every problem names the file and the rule."""
    problems: list[Problem] = []
    rules: list[TitleRule] = []
    if isinstance(data, dict) and isinstance(data.get("rules"), list) and data["rules"]:
        for number, item in enumerate(data["rules"], start=1):
            field = f"rules[{number}]"
            if not isinstance(item, dict) or set(item) - {"kind", "words", "patterns"}:
                problems.append(
                    Problem("expected kind, words and/or patterns", file=file, field=field)
                )
                continue
            kind = _kind(item.get("kind"), f"{field}.kind", file, problems)
            words = _strings(item.get("words"), f"{field}.words", file, problems)
            patterns = _patterns(item.get("patterns"), f"{field}.patterns", file, problems)
            if not words and not patterns:
                problems.append(Problem("give words or patterns", file=file, field=field))
            elif kind is not None:
                rules.append(TitleRule(kind, words, patterns))
    elif isinstance(data, dict) and isinstance(data.get("kinds"), dict) and data["kinds"]:
        for kind_name, words in data["kinds"].items():
            field = f"kinds.{kind_name}"
            kind = _kind(kind_name, field, file, problems)
            checked = _strings(words, field, file, problems) if kind else ()
            if kind is not None and checked:
                rules.append(TitleRule(kind, checked, ()))
            elif kind is not None and not problems:
                problems.append(Problem("expected a list of words", file=file, field=field))
    else:
        problems.append(
            Problem(
                "expected a 'rules' list (kind, words, patterns) or a 'kinds' mapping of "
                "kind -> words",
                file=file,
            )
        )
    if problems:
        raise InputError(problems)
    return tuple(rules)
