"""What the phone shows once the day's session is logged: one row per exercise with what was
stored (actual sets, reps or seconds, kg, the athlete's answers), for the athlete to adjust."""

from __future__ import annotations

from dataclasses import dataclass

from engine.app.session_done import logged_blocks, prescribed_log
from engine.contract.models import ExerciseLog, Session, SessionLog
from engine.storage.store import StoredLog

# The answers a row offers; "" is not rated (the athlete did not say).
EFFORT = {"": None, "easy": True, "hard": False}
POSTURE = {"": None, "held": True, "lost": False}


def _answer(choices: dict[str, bool | None], value: bool | None) -> str:
    return next(key for key, answer in choices.items() if answer is value)


@dataclass(frozen=True)
class ActualRow:
    """One prescribed exercise as logged (or skipped); ``index`` names its form fields, so the
    athlete never types an exercise id."""

    index: int
    exercise: str
    name: str
    sets: int
    reps: int
    duration_s: int | None
    load_kg: float | None
    effort: str
    posture: str
    skipped: bool

    @property
    def timed(self) -> bool:
        return self.duration_s is not None


@dataclass(frozen=True)
class LoggedDay:
    log_id: int
    log: SessionLog
    rows: list[ActualRow]

    @property
    def rated(self) -> bool:
        return any(row.effort or row.posture for row in self.rows)


def _row(index: int, name: str, done: ExerciseLog, skipped: bool) -> ActualRow:
    return ActualRow(
        index=index,
        exercise=done.id,
        name=name,
        sets=done.sets,
        reps=done.reps,
        duration_s=done.duration_s,
        load_kg=done.load_kg,
        effort=_answer(EFFORT, done.felt_easy),
        posture=_answer(POSTURE, done.posture_held),
        skipped=skipped,
    )


def actual_rows(session: Session, log: SessionLog) -> list[ActualRow]:
    """Each exercise the session logs, in its order: as stored, or as prescribed and marked
    skipped when the log leaves it out."""
    stored = {item.id: item for item in log.exercises}
    rows: list[ActualRow] = []
    for block in logged_blocks(session):
        for item in block.exercises:
            if any(row.exercise == item.id for row in rows):
                continue
            done = stored.get(item.id)
            if done is None:
                rows.append(_row(len(rows), item.name, prescribed_log(item, block.rounds), True))
            else:
                rows.append(_row(len(rows), item.name, done, False))
    return rows


def logged_day(session: Session, stored: StoredLog | None) -> LoggedDay | None:
    if stored is None:
        return None
    return LoggedDay(stored.id, stored.log, actual_rows(session, stored.log))
