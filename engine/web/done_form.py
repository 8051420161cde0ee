"""The phone's "what I did" form as the app layer's inputs: per row, actual sets, reps (or
seconds) and kg, effort, posture and skipped. Every bad value is reported at once, naming the
field and the exercise; nothing is stored until all are good."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from engine.app.done_view import EFFORT, POSTURE, ActualRow
from engine.contract.errors import InputError, Problem
from engine.contract.models import ExerciseLog

_WHOLE = re.compile(r"[0-9]{1,6}", re.ASCII)
_DECIMAL = re.compile(r"[0-9]{1,4}(?:[.,][0-9]{1,3})?", re.ASCII)


def _whole(form: Mapping[str, str], name: str, row: ActualRow, problems: list[Problem]) -> int:
    text = form.get(name, "").strip()
    if not _WHOLE.fullmatch(text):
        problems.append(
            Problem(f"{row.name}: {text or 'nothing'!r} is not a whole number", field=name)
        )
        return 0
    return int(text)


def _kg(
    form: Mapping[str, str], name: str, row: ActualRow, problems: list[Problem]
) -> float | None:
    text = form.get(name, "").strip()
    if not text:
        return None  # body weight, or a load not given
    if not _DECIMAL.fullmatch(text):
        problems.append(Problem(f"{row.name}: {text!r} is not a weight in kg", field=name))
        return None
    return float(text.replace(",", "."))


def _choice(
    form: Mapping[str, str],
    name: str,
    choices: Mapping[str, bool | None],
    row: ActualRow,
    problems: list[Problem],
) -> bool | None:
    value = form.get(name, "")
    if value not in choices:
        problems.append(Problem(f"{row.name}: {value!r} is not one of the answers", field=name))
        return None
    return choices[value]


# The form field that holds each logged field, for the messages.
_FORM_FIELDS = {"sets": "sets", "reps": "reps", "duration_s": "seconds", "load_kg": "kg"}


def _out_of_range(row: ActualRow, fields: dict[str, Any]) -> list[Problem]:
    """The model's own limits (at least one set, at most 100 ...), named by form field and
    exercise rather than by the log's list position."""
    try:
        ExerciseLog.model_validate({"id": row.exercise, **fields})
    except ValidationError as error:
        return [
            Problem(
                f"{row.name}: {_FORM_FIELDS.get(str(detail['loc'][0]), detail['loc'][0])} "
                f"{detail['msg'].lower()}",
                field=f"{_FORM_FIELDS.get(str(detail['loc'][0]), detail['loc'][0])}-{row.index}",
            )
            for detail in error.errors()
        ]
    return []


def read_actuals(
    form: Mapping[str, str], rows: list[ActualRow]
) -> tuple[dict[str, dict[str, Any]], frozenset[str]]:
    """Per exercise id the fields the athlete gave, and the ids they skipped."""
    problems: list[Problem] = []
    actuals: dict[str, dict[str, Any]] = {}
    skipped: set[str] = set()
    for row in rows:
        i = row.index
        if form.get(f"skipped-{i}"):
            skipped.add(row.exercise)
            continue
        fields: dict[str, Any] = {"sets": _whole(form, f"sets-{i}", row, problems)}
        if row.timed:
            fields |= {"reps": 0, "duration_s": _whole(form, f"seconds-{i}", row, problems)}
        else:
            fields["reps"] = _whole(form, f"reps-{i}", row, problems)
        fields["load_kg"] = _kg(form, f"kg-{i}", row, problems)
        fields["felt_easy"] = _choice(form, f"effort-{i}", EFFORT, row, problems)
        fields["posture_held"] = _choice(form, f"posture-{i}", POSTURE, row, problems)
        problems += _out_of_range(row, fields)
        actuals[row.exercise] = fields
    if problems:
        raise InputError(problems)
    return actuals, frozenset(skipped)
