"""Importing recorded activities (FIT, GPX, TCX) as session logs: ``runstrong import``.

Each file is read and parsed on its own; a file that cannot be (truncated, corrupt, no
activity, unknown format, an XML bomb or external entity) is refused with its name and why,
and the others still import. Each activity is stored in its own transaction, so a refused or
failed one leaves the database as it was. An activity already stored (the same file again, or
the same run exported in another format: same sport, same start) is reported, not repeated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from engine.activities.detect import SUFFIXES, parse_activities
from engine.activities.kinds import ImportSettings, infer_kind
from engine.activities.model import Activity, ActivityFileError
from engine.contract.errors import InputError, Problem
from engine.contract.models import ActivitySource, SessionKind, SessionLog
from engine.storage.activities import ActivityStore
from engine.storage.store import Store, StoreError

Status = Literal["imported", "already_there", "refused"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one activity (or to a whole file, when it was refused)."""

    file: str
    status: Status
    reason: str | None = None
    log_id: int | None = None
    log: SessionLog | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "status": self.status,
            "reason": self.reason,
            "log_id": self.log_id,
            "log": None if self.log is None else session_log_view(self.log),
        }


@dataclass
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def refused(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "refused"]

    def summary(self) -> str:
        return (
            f"{self.count('imported')} imported, {self.count('already_there')} already there, "
            f"{self.count('refused')} refused"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.count("imported"),
            "already_there": self.count("already_there"),
            "refused": self.count("refused"),
            "activities": [outcome.as_dict() for outcome in self.outcomes],
        }


def session_log_view(log: SessionLog) -> dict[str, Any]:
    """A session log as JSON-ready data, imported-activity fields included."""
    return log.model_dump(mode="json", by_alias=True)


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The files to import: each file named, and in each directory (recursively) every file
    whose name ends in .fit, .gpx or .tcx (any case), in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    (
                        item
                        for item in path.rglob("*")
                        if item.is_file() and item.suffix.lower() in SUFFIXES
                    ),
                    key=lambda item: str(item),
                )
            )
        else:
            files.append(path)
    return files


def session_log_for(
    activity: Activity,
    file_name: str,
    kind: SessionKind,
    sport: str,
    timezone: dt.tzinfo,
) -> SessionLog:
    """The session log an activity becomes, dated in the athlete's time zone; ``sport`` is the
    activity's as runstrong reads it (an untyped track's from the settings)."""
    km = None if activity.distance_m is None else round(activity.distance_m / 1000, 3)
    moving_min = activity.moving_s / 60
    pace = round(moving_min / km, 2) if km else None
    return SessionLog(
        date=activity.start_time.astimezone(timezone).date(),
        kind=kind,
        duration_min=round(moving_min),
        start_time=activity.start_time,
        elapsed_min=round(activity.elapsed_s / 60, 1),
        distance_km=km,
        avg_hr_bpm=None if activity.avg_hr_bpm is None else round(activity.avg_hr_bpm),
        avg_pace_min_per_km=pace,
        source=ActivitySource(
            file=file_name[-255:],
            format=activity.format,
            sport=sport,
            sport_detail=activity.sport_detail,
        ),
    )


def _read(path: Path, settings: ImportSettings) -> bytes:
    limit = int(settings.max_file_mb * 1024 * 1024)
    try:
        size = path.stat().st_size
        if size > limit:
            raise ActivityFileError(
                f"too large ({size} bytes; activity_import.max_file_mb is {settings.max_file_mb})"
            )
        return path.read_bytes()
    except FileNotFoundError as error:
        raise ActivityFileError("no such file") from error
    except IsADirectoryError as error:
        raise ActivityFileError("is a directory") from error
    except OSError as error:
        raise ActivityFileError(f"cannot be read ({error.strerror or error})") from error


def import_activities(
    store: Store,
    rule_settings: Mapping[str, Any],
    athlete_id: str,
    files: Sequence[Path],
    timezone: dt.tzinfo,
    kind: SessionKind | None = None,
    today: dt.date | None = None,
    on_file_done: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Import every file; ``kind`` overrides the inferred kind for all of them."""
    try:
        settings = ImportSettings.from_settings(rule_settings)
    except ValueError as error:
        raise InputError([Problem(str(error))]) from error
    try:
        store.get_athlete(athlete_id)
    except StoreError as error:
        raise InputError([Problem(str(error))]) from error
    today = today or dt.date.today()
    activities = ActivityStore(store)
    report = ImportReport()
    for path in files:
        name = str(path)
        try:
            data = _read(path, settings)
            parsed = parse_activities(data, path.name)
        except ActivityFileError as error:
            report.outcomes.append(Outcome(name, "refused", str(error)))
        else:
            for activity in parsed:
                report.outcomes.append(
                    _store_one(
                        activities, settings, athlete_id, activity, path, timezone, kind, today
                    )
                )
        if on_file_done is not None:
            on_file_done(path)
    return report


def _store_one(
    activities: ActivityStore,
    settings: ImportSettings,
    athlete_id: str,
    activity: Activity,
    path: Path,
    timezone: dt.tzinfo,
    kind: SessionKind | None,
    today: dt.date,
) -> Outcome:
    name = str(path)
    sport = settings.untyped_sport if activity.sport == "unknown" else activity.sport
    try:
        log = session_log_for(
            activity, path.name, kind or infer_kind(activity, settings), sport, timezone
        )
    except ValueError as error:  # a value out of the session log's range
        return Outcome(name, "refused", f"activity out of range: {error}")
    if log.date > today:
        return Outcome(name, "refused", f"starts in the future ({log.start_time})")
    write = activities.add_activity(athlete_id, log, sport, settings.same_activity_window_s)
    if not write.created:
        return Outcome(
            name,
            "already_there",
            f"same {sport} activity as log #{write.log_id}",
            write.log_id,
            log,
        )
    return Outcome(name, "imported", None, write.log_id, log)
