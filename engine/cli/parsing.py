"""Parse the compact flag values of the database commands.

Each parser raises ``click.BadParameter`` with an example of the expected form, so click
names the flag and exits with status 2.

Numbers are ASCII digits only: Python's ``int`` and ``float`` also take other scripts' digits
("٣" is 3), ``inf``, ``nan``, underscores and surrounding spaces, none of which a person means
in a weight or a severity.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError

from engine.contract.errors import InputError, Problem
from engine.contract.limits import MAX_LOAD_KG, MAX_REPS, MAX_SETS
from engine.contract.models import SESSION_KINDS

_WHOLE = re.compile(r"[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def whole_number(text: str) -> int:
    """ASCII digits as an int; ValueError otherwise."""
    text = text.strip()
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"{text!r} is not a whole number")
    return int(text)


def decimal_number(text: str) -> float:
    """An unsigned decimal in ASCII digits (``16``, ``12.5``) as a float; ValueError otherwise."""
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"{text!r} is not a number")
    value = float(text)
    if not math.isfinite(value):  # 400 digits are valid decimal syntax, and float says inf
        raise ValueError(f"{text[:20]!r}... is too large a number")
    return value


class AsciiIntRange(click.IntRange):
    """click's IntRange, but only ASCII digits (with an optional minus sign) are accepted."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not re.fullmatch(r"-?[0-9]+", value.strip(), re.ASCII):
            self.fail(f"{value!r} is not a whole number (digits 0-9)", param, ctx)
        return super().convert(value, param, ctx)


# For ``type=int`` options: any whole number in ASCII digits.
ASCII_INT = AsciiIntRange()


def parse_date(value: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date like 2026-11-24", param_hint=flag
        ) from None


def parse_pain(value: str) -> dict[str, Any]:
    """``AREA:SEVERITY[:DURING]``, e.g. ``knee:4`` or ``low_back:5:runner_deadlift``."""
    parts = value.split(":", 2)
    if len(parts) < 2 or not _WHOLE.fullmatch(parts[1].strip()):
        raise click.BadParameter(
            f"{value!r} should look like AREA:SEVERITY[:DURING], e.g. knee:4 or "
            "low_back:5:runner_deadlift",
            param_hint="--pain",
        )
    pain: dict[str, Any] = {"area": parts[0].strip(), "severity": int(parts[1])}
    if len(parts) == 3 and parts[2].strip():
        pain["during"] = parts[2].strip()
    return pain


def parse_program(value: str) -> dict[str, Any]:
    """``PROGRAM[:WEEK]``, e.g. ``heavy_lifting_for_runners:3``."""
    name, _, week = value.partition(":")
    if week and not _WHOLE.fullmatch(week):
        raise click.BadParameter(
            f"{value!r} should look like PROGRAM[:WEEK], e.g. heavy_lifting_for_runners:3",
            param_hint="--program",
        )
    return {"id": name.strip(), "week": int(week) if week else 1}


def parse_ladder(value: str, today: dt.date) -> tuple[str, dict[str, Any]]:
    """``LADDER=STAGE[@SINCE]``, e.g. ``pistol_squat=narrow_stance_squat@2026-11-01``."""
    ladder, _, rest = value.partition("=")
    stage, _, since = rest.partition("@")
    if not ladder or not stage:
        raise click.BadParameter(
            f"{value!r} should look like LADDER=STAGE[@SINCE], e.g. "
            "pistol_squat=narrow_stance_squat",
            param_hint="--ladder",
        )
    started = parse_date(since, "--ladder") if since else today
    return ladder.strip(), {"stage": stage.strip(), "since": started.isoformat()}


def parse_one_rep_max(value: str) -> tuple[str, float]:
    """``EXERCISE=KG``, e.g. ``goblet_squat=32``."""
    exercise, _, kg = value.partition("=")
    try:
        return exercise.strip(), decimal_number(kg)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} should look like EXERCISE=KG, e.g. goblet_squat=32", param_hint="--1rm"
        ) from None


def parse_weights(value: str, flag: str) -> list[float]:
    """``8,12,16``."""
    try:
        return [decimal_number(item) for item in value.split(",") if item.strip()]
    except ValueError:
        raise click.BadParameter(
            f"{value!r} should be sizes in kg separated by commas, e.g. 8,12,16", param_hint=flag
        ) from None


def parse_upcoming(value: str) -> dict[str, Any]:
    """``KIND@WHEN``, e.g. ``long_run@2026-11-29`` or ``quality_run@2026-11-26T18:00``."""
    kind, _, when = value.partition("@")
    if kind not in SESSION_KINDS or not when:
        raise click.BadParameter(
            f"{value!r} should look like KIND@DATE[THH:MM], e.g. long_run@2026-11-29",
            param_hint="--upcoming",
        )
    return {"kind": kind, "date": when}


def parse_exercise(value: str) -> dict[str, Any]:
    """``ID:SETSxREPS[@KG][:flags]``; flags ``posture-ok|posture-lost``, ``easy|hard``,
    ``ready|not-ready`` (ready to progress the exercise; a hard set is not a no).

    Example: ``isometric_pistol:3x8:posture-ok:easy`` or ``goblet_squat:3x10@24``.
    """
    parts = value.split(":")
    example = "e.g. goblet_squat:3x10@24:posture-ok:easy"
    if len(parts) < 2 or "x" not in parts[1]:
        raise click.BadParameter(
            f"{value!r} should look like ID:SETSxREPS[@KG][:flags], {example}",
            param_hint="--exercise",
        )
    try:
        item: dict[str, Any] = {"id": parts[0], **_sets_reps_load(parts[1])}
    except ValueError:
        raise click.BadParameter(
            f"{value!r}: sets, reps and load must be numbers, {example}", param_hint="--exercise"
        ) from None
    return item | _ratings(parts[2:], value)


_RATINGS = {
    "posture-ok": ("posture_held", True),
    "posture-lost": ("posture_held", False),
    "easy": ("felt_easy", True),
    "hard": ("felt_easy", False),
    "ready": ("ready_to_progress", True),
    "not-ready": ("ready_to_progress", False),
}


def _ratings(flags: list[str], value: str) -> dict[str, bool]:
    rated: dict[str, bool] = {}
    for flag in flags:
        if flag not in _RATINGS:
            raise click.BadParameter(
                f"unknown flag {flag!r} in {value!r}; use posture-ok, posture-lost, easy, "
                "hard, ready or not-ready",
                param_hint="--exercise",
            )
        key, setting = _RATINGS[flag]
        rated[key] = setting
    return rated


def parse_rated_exercise(value: str) -> tuple[str, dict[str, Any]]:
    """With ``--as-recommended``: ``ID[:SETSxREPS[@KG]]:flags``, how one prescribed exercise
    went (the dose, when given, is the total for the session), e.g.
    ``narrow_stance_squat:posture-ok:easy`` or ``goblet_squat:3x8@16:posture-ok:hard``."""
    parts = value.split(":")
    if len(parts) >= 2 and "x" in parts[1]:
        item = parse_exercise(value)
        return item.pop("id"), item
    if len(parts) < 2 or not parts[0]:
        raise click.BadParameter(
            f"{value!r} should look like ID[:SETSxREPS[@KG]]:FLAGS, e.g. "
            "narrow_stance_squat:posture-ok:easy",
            param_hint="--exercise",
        )
    return parts[0], _ratings(parts[1:], value)


def _sets_reps_load(text: str) -> dict[str, Any]:
    """``SETSxREPS[@KG]`` as ``sets``, ``reps`` and ``load_kg``; ValueError when malformed.

    The one parser of this form, for a logged exercise and a coach's dose alike.
    """
    dose, _, load = text.partition("@")
    sets, separator, reps = dose.partition("x")
    if not separator:
        raise ValueError(text)
    parsed: dict[str, Any] = {"sets": whole_number(sets), "reps": whole_number(reps)}
    if load:
        parsed["load_kg"] = decimal_number(load)
    return parsed


def parse_dose(value: str) -> tuple[str, dict[str, Any]]:
    """``EXERCISE=SETSxREPS[@KG]``, e.g. ``goblet_squat=3x8@16``."""
    exercise, _, dose = value.partition("=")
    try:
        if not exercise:
            raise ValueError(value)
        parsed = _sets_reps_load(dose)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} should look like EXERCISE=SETSxREPS[@KG], e.g. goblet_squat=3x8@16",
            param_hint="--dose",
        ) from None
    # The same bounds as a logged exercise: a dose past them is a typing error, not a load.
    for name, top in (("sets", MAX_SETS), ("reps", MAX_REPS), ("load_kg", MAX_LOAD_KG)):
        number = parsed.get(name)
        if number is not None and not 0 < number <= top:
            raise click.BadParameter(
                f"{value!r}: {name.replace('_kg', '')} {number:g} is out of range: 1 to {top:g}",
                param_hint="--dose",
            )
    return exercise, parsed


def load_mapping(source: str) -> dict[str, Any]:
    """A YAML or JSON mapping from a file (or - for stdin); InputError names file and line."""
    # The readers import the YAML parser, which the commands that only parse flags (today,
    # review list) should not pay for.
    from engine.loading.inputs import load_text, read_text

    text, name = read_text(source)
    located = load_text(text, name)  # JSON as JSON, YAML as YAML
    if not isinstance(located.data, dict):
        raise InputError([Problem("expected a mapping at the top level", file=name, line=1)])
    upcoming = located.data.get("upcoming", [])
    if upcoming is not None and not isinstance(upcoming, list):
        line = located.line_for(("upcoming",))
        raise InputError(
            [Problem("should be a list of planned runs", file=name, line=line, field="upcoming")]
        )
    return located.data


ModelT = TypeVar("ModelT", bound=BaseModel)


def validated(model: type[ModelT], data: dict[str, Any], context: Any = None) -> ModelT:
    """``data`` as ``model``; InputError naming each bad field."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        from engine.loading.yamlio import problems_from_validation  # see load_mapping

        raise InputError(problems_from_validation(error, None)) from error
