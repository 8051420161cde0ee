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


def chosen_changes(
    swap_from: list[str],
    swap_to: list[str],
    dose_id: list[str],
    dose_sets: list[str],
    dose_reps: list[str],
    dose_kg: list[str],
) -> tuple[str, str]:
    """The amend form's choices (a replacement picked per exercise, a dose as numbers per
    exercise, rows in parallel lists) as the swap and dose lines :func:`amendment_from_form`
    reads. A row left blank changes nothing."""
    swaps = [f"{old}={new}" for old, new in zip(swap_from, swap_to, strict=False) if old and new]
    doses = []
    for exercise, sets, reps, kg in zip(dose_id, dose_sets, dose_reps, dose_kg, strict=False):
        if not (sets or reps or kg):
            continue
        doses.append(f"{exercise}={sets}x{reps}" + (f"@{kg}" if kg else ""))
    return "\n".join(swaps), "\n".join(doses)
