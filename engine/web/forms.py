"""Turning form fields (strings) into the app layer's inputs; bad values become an
:class:`InputError` that names the field, shown back on the form."""

from __future__ import annotations

from typing import Any

from engine.app.review import Amendment
from engine.contract.errors import InputError, Problem


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _dose(line: str, problems: list[Problem]) -> tuple[str, dict[str, Any]] | None:
    """``EXERCISE=SETSxREPS[@KG]``, as ``runstrong review amend --dose`` takes it."""
    exercise, _, dose = line.partition("=")
    sets, _, rest = dose.partition("x")
    reps, _, load = rest.partition("@")
    try:
        changes: dict[str, Any] = {"sets": int(sets), "reps": int(reps)}
        if load:
            changes["load_kg"] = float(load)
    except ValueError:
        problems.append(Problem(f"{line!r} should look like EXERCISE=SETSxREPS[@KG]", field="dose"))
        return None
    return exercise.strip(), changes


def amendment_from_form(
    kind: str, intensity: str, drop: list[str], swap: str, dose: str
) -> Amendment:
    problems: list[Problem] = []
    amendment = Amendment(kind=kind or None, intensity=intensity or None, drop=list(drop))
    for line in _lines(swap):
        old, _, new = line.partition("=")
        if not old.strip() or not new.strip():
            problems.append(Problem(f"{line!r} should look like OLD=NEW", field="swap"))
            continue
        amendment.swap.append((old.strip(), new.strip()))
    for line in _lines(dose):
        parsed = _dose(line, problems)
        if parsed is not None:
            amendment.dose.append(parsed)
    if problems:
        raise InputError(problems)
    return amendment
