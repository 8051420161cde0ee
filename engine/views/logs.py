"""Text and JSON views of logged sessions."""

from __future__ import annotations

from typing import Any

from engine.app.log import StoredLog
from engine.app.words import Namer, kind_words
from engine.contract.formatting import fmt_dose, plural
from engine.contract.models import ExerciseLog, SessionLog


def _status(stored: StoredLog) -> str:
    if stored.status == "superseded":
        return f"superseded by #{stored.superseded_by}"
    return stored.status


def _what(log: SessionLog, namer: Namer | None) -> str:
    """``Strength: Heavy lifting for runners`` (ids as they are without a namer)."""
    if namer is None:
        return log.kind + (f" ({log.program})" if log.program else "")
    return kind_words(log.kind) + (f": {namer.name(log.program)}" if log.program else "")


def _variant(log: SessionLog, namer: Namer | None) -> str | None:
    program = namer.kb.programs.get(log.program or "") if namer else None
    variant = next((v for v in program.variants if v.id == log.variant), None) if program else None
    return variant.name if variant else log.variant


def log_line(stored: StoredLog, namer: Namer | None = None) -> str:
    log = stored.log
    what = _what(log, namer)
    minutes = f", {log.duration_min} min" if log.duration_min is not None else ""
    status = "" if stored.status == "current" else f"  [{_status(stored)}]"
    exercises = f", {len(log.exercises)} exercises" if log.exercises else ""
    return f"#{stored.id:<5} {log.date}  {what}{minutes}{exercises}{status}"


def log_detail_text(stored: StoredLog, namer: Namer | None = None) -> str:
    """One log; with a namer, in the athlete's words (names, not ids)."""
    log = stored.log
    lines = [f"session log #{stored.id} for {stored.athlete_id}: {_status(stored)}"]
    lines.append(f"  {log.date}: {_what(log, namer)}")
    if log.variant:
        lines.append(f"  variant: {_variant(log, namer)}")
    if log.duration_min is not None:
        lines.append(f"  duration: {log.duration_min} min")
    for label, value in (
        ("heart rate back to normal", log.hr_back_to_normal),
        ("slept well after", log.slept_well_after),
        ("recovered between intervals", log.recovered_between_intervals),
    ):
        if value is not None:
            lines.append(f"  {label}: {'yes' if value else 'no'}")
    for item in log.exercises:
        flags = []
        if item.posture_held is not None:
            flags.append("posture held" if item.posture_held else "posture lost")
        if item.felt_easy is not None:
            flags.append("felt easy" if item.felt_easy else "felt hard")
        if item.ready_to_progress is not None:
            flags.append("ready to progress" if item.ready_to_progress else "not ready")
        extra = f" ({', '.join(flags)})" if flags else ""
        extra = extra or " (unrated)"
        name = namer.name(item.id) if namer else item.id
        lines.append(f"  - {name}: {fmt_dose(item)}{extra}")
    lines.append(f"  logged {stored.created_at.isoformat(timespec='seconds')}")
    if stored.changed_at is not None:
        lines.append(f"  {stored.status} {stored.changed_at.isoformat(timespec='seconds')}")
    return "\n".join(lines)


def log_json(stored: StoredLog) -> dict[str, Any]:
    return {
        "id": stored.id,
        "athlete": stored.athlete_id,
        "status": stored.status,
        "superseded_by": stored.superseded_by,
        "log": stored.log.model_dump(mode="json"),
    }


def _rating(item: ExerciseLog) -> str:
    answers = []
    if item.posture_held is not None:
        answers.append("posture held" if item.posture_held else "posture lost")
    if item.felt_easy is not None:
        answers.append("felt easy" if item.felt_easy else "felt hard")
    return ", ".join(answers) if answers else "unrated"


def as_recommended_text(
    athlete_id: str, log_id: int, log: SessionLog, namer: Namer | None = None
) -> str:
    """What ``log --as-recommended`` stored (names with a namer), and the command that rates
    what it left unrated: ids there, as the athlete types them."""
    minutes = f", {log.duration_min} min" if log.duration_min is not None else ""
    lines = [
        f"logged the recommended {_what(log, namer)} on {log.date} for {athlete_id} "
        f"(#{log_id}){minutes}: {plural(len(log.exercises), 'exercise')} as prescribed"
    ]
    for item in log.exercises:
        name = namer.name(item.id) if namer else item.id
        lines.append(f"  - {name}: {fmt_dose(item)} ({_rating(item)})")
    unrated = [
        item.id for item in log.exercises if item.posture_held is None or item.felt_easy is None
    ]
    if unrated:
        lines += [
            "Unrated work moves no ladder stage and no load. To rate it, change posture-ok to "
            "posture-lost and easy to hard where it went otherwise:",
            f"  runstrong log edit {athlete_id} {log_id} \\",
            *[f"      --exercise {exercise}:posture-ok:easy \\" for exercise in unrated[:-1]],
            f"      --exercise {unrated[-1]}:posture-ok:easy",
        ]
    return "\n".join(lines)
