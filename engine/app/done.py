"""Logging the day's session as it was given: "done as recommended" (the CLI's
``log --as-recommended`` and the phone's "Done"), what was logged that day, and the athlete's
adjustments to it (actual sets, reps and kg, a hard set, lost posture, skipped).

Exercises are stored as prescribed and unrated unless the athlete rates them: "as
recommended" says what was done, not how it went.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from engine.app.athlete_day import TodayCard, today_card
from engine.app.log import edit_log, get_log
from engine.app.session_done import session_as_log
from engine.contract.errors import InputError, Problem
from engine.contract.models import Session, SessionLog
from engine.knowledge.base import KnowledgeBase
from engine.loading.yamlio import problems_from_validation
from engine.storage.store import Store, StoredLog

# The session fields a log "as recommended" may carry besides its exercises (the rest come
# from the recommended session itself).
SESSION_FIELDS = (
    "duration_min",
    "hr_back_to_normal",
    "slept_well_after",
    "recovered_between_intervals",
)


@dataclass(frozen=True)
class Corrections:
    """What the athlete says about the session, per exercise id, and its session fields.

    ``doses`` are totals for the session (sets, reps, load_kg); ``rated`` are whole answers
    for an exercise (a dose and/or posture_held, felt_easy, ready_to_progress); ``hard`` and
    ``posture_lost`` are the short forms of two answers.
    """

    hard: frozenset[str] = frozenset()
    posture_lost: frozenset[str] = frozenset()
    skipped: frozenset[str] = frozenset()
    doses: dict[str, dict[str, Any]] = field(default_factory=dict)
    rated: dict[str, dict[str, Any]] = field(default_factory=dict)
    session: dict[str, Any] = field(default_factory=dict)

    def actuals(self) -> dict[str, dict[str, Any]]:
        """Per exercise id, the fields that replace the prescription's."""
        merged: dict[str, dict[str, Any]] = {}
        for exercise, dose in self.doses.items():
            merged.setdefault(exercise, {}).update(dose)
        for exercise, answers in self.rated.items():
            merged.setdefault(exercise, {}).update(answers)
        for exercise in self.hard:
            merged.setdefault(exercise, {})["felt_easy"] = False
        for exercise in self.posture_lost:
            merged.setdefault(exercise, {})["posture_held"] = False
        return merged

    def named(self) -> dict[str, frozenset[str]]:
        """The exercise ids each flag names, for checking they are in the session."""
        return {
            "--hard": self.hard,
            "--posture-lost": self.posture_lost,
            "--skipped": self.skipped,
            "--dose": frozenset(self.doses),
            "--exercise": frozenset(self.rated),
        }


def _session_to_log(store: Store, athlete_id: str, day: dt.date) -> tuple[TodayCard, Session]:
    card = today_card(store, athlete_id, day)
    if card is None:
        raise InputError([Problem(f"no check-in for {athlete_id} on {day}; check in first")])
    if card.status == "rejected":
        raise InputError(
            [Problem("your coach rejected this session; log what you did instead", field="status")]
        )
    return card, card.recommendation.session


def _built(
    session: Session,
    day: dt.date,
    kb: KnowledgeBase,
    corrections: Corrections,
) -> SessionLog:
    prescribed = {item.id for block in session.blocks for item in block.exercises}
    problems = [
        Problem(f"'{exercise}' is not in the session ({', '.join(sorted(prescribed))})", field=flag)
        for flag, ids in corrections.named().items()
        for exercise in sorted(ids - prescribed)
    ]
    unknown = sorted(set(corrections.session) - set(SESSION_FIELDS))
    problems += [Problem("not a field of a logged session", field=name) for name in unknown]
    if problems:
        raise InputError(problems)
    log = session_as_log(session, day, corrections.actuals(), corrections.skipped)
    data = log.model_dump(mode="json")
    data.update({key: value for key, value in corrections.session.items() if value is not None})
    try:
        return SessionLog.model_validate(data, context={"kb": kb})
    except ValidationError as error:
        raise InputError(problems_from_validation(error, None)) from error


def logged_today(store: Store, athlete_id: str, day: dt.date, kind: str) -> StoredLog | None:
    """The current log of a ``kind`` session on ``day`` (the latest one), or None."""
    logs = [
        stored
        for stored in store.logs(athlete_id, since=day, until=day)
        if stored.status == "current" and stored.log.kind == kind
    ]
    return logs[-1] if logs else None


def done_as_recommended(
    store: Store,
    kb: KnowledgeBase,
    athlete_id: str,
    day: dt.date,
    corrections: Corrections | None = None,
    again: bool = False,
) -> tuple[int, SessionLog]:
    """Log the day's session as given (the coach's version when amended), with corrections:
    each exercise as prescribed and unrated unless the corrections rate it."""
    corrections = corrections or Corrections()
    _, session = _session_to_log(store, athlete_id, day)
    if not again and logged_today(store, athlete_id, day, session.kind) is not None:
        raise InputError([Problem(f"a {session.kind} session is already logged for {day}")])
    log = _built(session, day, kb, corrections)
    return store.log_session(athlete_id, log, again=again), log


def adjust_logged(
    store: Store,
    kb: KnowledgeBase,
    athlete_id: str,
    day: dt.date,
    actuals: Mapping[str, Mapping[str, Any]],
    skipped: frozenset[str],
) -> tuple[int, SessionLog]:
    """Replace the day's logged session with what the athlete says was done: the prescription
    with ``actuals`` over it and without ``skipped``. The session fields already logged
    (duration, the HIIT checks) are kept; the old version is kept too (superseded). Saving the
    same answers twice stores nothing new."""
    _, session = _session_to_log(store, athlete_id, day)
    stored = logged_today(store, athlete_id, day, session.kind)
    if stored is None:
        raise InputError([Problem(f"nothing logged for {day} yet; tap Done first")])
    kept = {name: getattr(stored.log, name) for name in SESSION_FIELDS}
    corrections = Corrections(
        skipped=skipped, rated={key: dict(value) for key, value in actuals.items()}, session=kept
    )
    log = _built(session, day, kb, corrections)
    if log == stored.log:
        return stored.id, log
    return store.edit_log(stored.id, log), log


def rate_logged(
    store: Store,
    kb: KnowledgeBase,
    log_id: int,
    ratings: Mapping[str, Mapping[str, Any]],
    athlete_id: str | None,
) -> tuple[int, SessionLog]:
    """A new version of log ``log_id`` with answers (a dose and/or ratings) for some of its
    exercises, the others unchanged; the old version is kept."""
    current = get_log(store, log_id, athlete_id).log
    present = [item.id for item in current.exercises]
    problems = [
        Problem(
            f"'{name}' is not in session log #{log_id} ({', '.join(present)})", field="--exercise"
        )
        for name in sorted(set(ratings) - set(present))
    ]
    if problems:
        raise InputError(problems)
    exercises = [
        item.model_dump(mode="json") | dict(ratings.get(item.id, {})) for item in current.exercises
    ]
    return edit_log(store, kb, log_id, {"exercises": exercises}, athlete_id=athlete_id)
