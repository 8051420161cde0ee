"""The athlete's day as view models and use cases: today's card (with the coach's status and
note) and reading a check-in from loosely typed input (a web form). Logging the day's session
is in ``engine.app.done``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from engine.app.today import todays_recommendation
from engine.contract.errors import InputError, Problem
from engine.contract.models import CheckIn, Recommendation
from engine.loading.yamlio import problems_from_validation
from engine.storage.reviews import ReviewStore
from engine.storage.store import Store

# What each review status means to the athlete (``runstrong today`` says the same).
STATUS_TEXT = {
    "pending": "waiting for your coach's review",
    "approved": "approved by your coach",
    "amended": "amended by your coach (the session shown is the coach's version)",
    "rejected": "rejected by your coach",
}


@dataclass(frozen=True)
class TodayCard:
    recommendation_id: int
    status: str
    # The session to do: the coach's amended version replaces the engine's.
    recommendation: Recommendation
    coach_note: str | None
    amended_by_coach: bool

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.status, self.status)


def today_card(store: Store, athlete_id: str, day: dt.date) -> TodayCard | None:
    """The day's card, or None when the athlete has not checked in that day."""
    stored = todays_recommendation(store, athlete_id, day)
    if stored is None:
        return None
    amended, note = ReviewStore(store).review_state(stored.id)
    recommendation = stored.recommendation
    if amended is not None:
        recommendation = recommendation.model_copy(update={"session": amended})
    return TodayCard(stored.id, stored.status, recommendation, note, amended is not None)


# --- check-in from a form ----------------------------------------------------------------------

_WHOLE_NUMBERS = ("recovery_pct", "soreness", "life_stress")


def _whole_number(value: Any, where: str, problems: list[Problem]) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            problems.append(Problem("missing", field=where))
            return None
        if not text.lstrip("-").isdigit():
            problems.append(Problem(f"{text!r} is not a whole number", field=where))
            return None
        return int(text)
    return value


def read_checkin(data: dict[str, Any]) -> CheckIn:
    """A check-in from form values (strings): numbers and yes/no answers are converted, then
    validated by the same model, with the same messages, as ``runstrong checkin``. Every
    problem is reported at once."""
    problems: list[Problem] = []
    fields = {key: value for key, value in data.items() if value not in (None, "")}
    for key in _WHOLE_NUMBERS:
        if key in fields:
            fields[key] = _whole_number(fields[key], key, problems)
    if isinstance(fields.get("slept_well"), str):
        answer = fields["slept_well"].strip().lower()
        if answer not in ("yes", "no", "true", "false"):
            problems.append(Problem(f"{answer!r}: answer yes or no", field="slept_well"))
        fields["slept_well"] = answer in ("yes", "true")
    for index, pain in enumerate(fields.get("pain", [])):
        where = f"pain[{index}].severity"
        pain["severity"] = _whole_number(pain.get("severity", ""), where, problems)
    unreadable = {problem.field for problem in problems if problem.field}
    try:
        checkin = CheckIn.model_validate(fields)
    except ValidationError as error:
        problems += [
            problem
            for problem in problems_from_validation(error, None)
            if not _reported(problem.field, unreadable)
        ]
        raise InputError(problems) from error
    if problems:
        raise InputError(problems)
    return checkin


def _reported(where: str | None, unreadable: set[str]) -> bool:
    """Whether a model error is about a value already reported as unreadable."""
    if where is None:
        return False
    normal = where.replace("[", ".").replace("]", "")
    return any(normal == field.replace("[", ".").replace("]", "") for field in unreadable)
