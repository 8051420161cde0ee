"""The check-in's questions at a terminal, worded for a person.

Each question shows what it accepts (``[y/n]``, ``0-100``, a list of choices), and a wrong
answer is asked again in plain words, never with click's parser messages.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar, get_args

import click

from engine.app.words import area_words, kind_words
from engine.contract.models import SESSION_KINDS, PainArea

T = TypeVar("T")
YES = ("y", "yes")
NO = ("n", "no")
PAIN_AREAS: tuple[str, ...] = get_args(PainArea)


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _ask(question: str, parse: Callable[[str], T], default: str | None = None) -> T:
    """Ask until ``parse`` accepts the answer; it raises ValueError with what to say."""
    while True:
        answer = click.prompt(
            question, default=default, show_default=False, type=str, prompt_suffix=" "
        )
        try:
            return parse(answer.strip())
        except ValueError as error:
            click.echo(f"  {error}")


def _yes_no(answer: str) -> bool:
    if answer.lower() in YES:
        return True
    if answer.lower() in NO:
        return False
    raise ValueError(f"please answer y (yes) or n (no), not {answer!r}")


def ask_yes_no(question: str) -> bool:
    return _ask(f"{question} [y/n]", _yes_no)


def _number(low: int, high: int) -> Callable[[str], int]:
    def parse(answer: str) -> int:
        if answer.isdigit() and low <= int(answer) <= high:
            return int(answer)
        raise ValueError(f"please give a whole number from {low} to {high}, not {answer!r}")

    return parse


def _choice(
    options: tuple[str, ...], optional: bool, words: Callable[[str], str]
) -> Callable[[str], str | None]:
    """An answer in words ("easy run", any case) or as the option itself (``easy_run``)."""
    by_words = {words(option).lower(): option for option in options}

    def parse(answer: str) -> str | None:
        if not answer and optional:
            return None
        if answer in options:
            return answer
        if answer.lower() in by_words:
            return by_words[answer.lower()]
        skip = " (or press Enter to skip)" if optional else ""
        raise ValueError(f"please give one of: {_listed(options, words)}{skip}")

    return parse


def _listed(options: tuple[str, ...], words: Callable[[str], str]) -> str:
    return ", ".join(words(option).lower() for option in options)


def _ask_pain() -> dict[str, Any]:
    area = _ask(
        f"  Where? ({_listed(PAIN_AREAS, area_words)})",
        _choice(PAIN_AREAS, optional=False, words=area_words),
    )
    severity = _ask("  How bad (0 none - 10 worst) [0-10]?", _number(0, 10))
    during = _ask("  During what (an exercise or activity; Enter to skip)?", str, default="")
    pain: dict[str, Any] = {"area": area, "severity": severity}
    if during:
        pain["during"] = during
    return pain


def ask_checkin(
    data: dict[str, Any], ask_planned: bool, calendar_plan: str | None = None
) -> dict[str, Any]:
    """The answers the check-in still needs, asked one by one; the calendar's plan for the
    day is the default answer to what was planned."""
    answers: dict[str, Any] = {}
    if "recovery_pct" not in data:
        answers["recovery_pct"] = _ask("How recovered do you feel [0-100 %]?", _number(0, 100))
    if "slept_well" not in data:
        answers["slept_well"] = ask_yes_no("Did you sleep well?")
    if "soreness" not in data:
        answers["soreness"] = _ask(
            "Muscle soreness (0 none - 10 very sore) [0-10]?", _number(0, 10)
        )
    if "life_stress" not in data:
        answers["life_stress"] = _ask("Life stress outside training [0-10]?", _number(0, 10))
    if ask_planned:
        hint = (
            f"Enter for {kind_words(calendar_plan).lower()}, from your calendar"
            if calendar_plan
            else "Enter if nothing"
        )
        planned = _ask(
            f"What did you plan today? ({_listed(SESSION_KINDS, kind_words)}; {hint})",
            _choice(SESSION_KINDS, optional=True, words=kind_words),
            default=calendar_plan or "",
        )
        if planned:
            answers["planned"] = planned
    if "pain" not in data:
        pains = []
        question = "Any pain today?"
        while ask_yes_no(question):
            pains.append(_ask_pain())
            question = "Any other pain?"
        if pains:
            answers["pain"] = pains
    return answers
