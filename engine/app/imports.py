"""Importing recorded activities (FIT, GPX, TCX) as session logs: ``runstrong import``.

Each file is read and parsed on its own; a file that cannot be (truncated, corrupt, no
activity, unknown format, an XML bomb or external entity) is refused with its name and why,
and the others still import. Each activity is stored in its own transaction, so a refused or
failed one leaves the database as it was. An activity already stored (the same file again, or
the same run exported in another format: same sport, same start) is reported, not repeated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from engine.activities.containers import Member, unpack
from engine.activities.detect import SUFFIXES, parse_activities
from engine.activities.kinds import ImportSettings, infer_kind
from engine.activities.model import Activity, ActivityFileError
from engine.contract.errors import InputError, Problem
from engine.contract.limits import MINUTES_PER_DAY
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


# What a folder import picks up: the formats, gzipped as Strava's bulk export has them, and
# zip archives as Garmin's "Export original" gives them.
FOLDER_SUFFIXES = (*SUFFIXES, *(f"{suffix}.gz" for suffix in SUFFIXES), ".zip")


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The files to import: each file named, and in each directory (recursively) every file
    whose name ends in .fit, .gpx or .tcx, gzipped or not, or .zip (any case), in name
    order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    (
                        item
                        for item in path.rglob("*")
                        if item.is_file() and item.name.lower().endswith(FOLDER_SUFFIXES)
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
    timezone: dt.tzinfo | None,
) -> SessionLog:
    """The session log an activity becomes, dated in the athlete's time zone (``None``: this
    computer's, with the offset its rules give on the activity's own day, so a July run is
    dated with the summer offset); ``sport`` is the activity's as runstrong reads it (an
    untyped track's from the settings)."""
    km = None if activity.distance_m is None else round(activity.distance_m / 1000, 3)
    moving_min = activity.moving_s / 60
    pace = round(moving_min / km, 2) if km and moving_min else None
    elapsed_min: float | None = round(activity.elapsed_s / 60, 1)
    if elapsed_min is not None and elapsed_min > MINUTES_PER_DAY >= moving_min:
        # A device clock that jumped (elapsed time over a day while the timer time is sane):
        # the timer time is kept, the elapsed time is unknown rather than wrong.
        elapsed_min = None
    return SessionLog(
        date=activity.start_time.astimezone(timezone).date(),
        kind=kind,
        duration_min=round(moving_min),
        start_time=activity.start_time,
        elapsed_min=elapsed_min,
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


def _limit(settings: ImportSettings) -> int:
    return int(settings.max_file_mb * 1024 * 1024)


def _read(path: Path, settings: ImportSettings) -> bytes:
    """The file's bytes, read with a bound: the size on disk is checked first, and the read
    stops at the bound too, since a device (/dev/zero) or a growing file has no honest size."""
    limit = _limit(settings)
    too_large = f"too large (activity_import.max_file_mb is {settings.max_file_mb})"
    try:
        if path.stat().st_size > limit:
            raise ActivityFileError(too_large)
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise ActivityFileError(too_large)
        return data
    except FileNotFoundError as error:
        raise ActivityFileError("no such file") from error
    except IsADirectoryError as error:
        raise ActivityFileError("is a directory") from error
    except OSError as error:
        raise ActivityFileError(f"cannot be read ({error.strerror or error})") from error


def import_activities(
    store: Store,
    settings: ImportSettings,
    athlete_id: str,
    files: Sequence[Path],
    timezone: dt.tzinfo | None,
    kind: SessionKind | None = None,
    today: dt.date | None = None,
    on_file_done: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Import every file; ``kind`` overrides the inferred kind for all of them. Each file (and
    each member of a zip) stands alone: a bad one is refused by name and the rest go on."""
    try:
        store.get_athlete(athlete_id)
    except StoreError as error:
        raise InputError([Problem(str(error))]) from error
    today = today or dt.date.today()
    activities = ActivityStore(store)
    report = ImportReport()
    for path in files:
        try:
            members = unpack(path.name, _read(path, settings), _limit(settings))
        except ActivityFileError as error:
            report.outcomes.append(Outcome(str(path), "refused", str(error)))
            members = []
        for member in members:
            # A zip's member is named after the zip: "export.zip:activity_1.fit".
            suffix = "" if member.inside is None else f":{member.inside}"
            label, file_name = f"{path}{suffix}", f"{path.name}{suffix}"
            if member.error is not None:
                report.outcomes.append(Outcome(label, "refused", member.error))
                continue
            report.outcomes.extend(
                _import_member(
                    activities,
                    settings,
                    athlete_id,
                    member,
                    file_name,
                    label,
                    timezone,
                    kind,
                    today,
                )
            )
        if on_file_done is not None:
            on_file_done(path)
    return report


def _import_member(
    activities: ActivityStore,
    settings: ImportSettings,
    athlete_id: str,
    member: Member,
    file_name: str,
    label: str,
    timezone: dt.tzinfo | None,
    kind: SessionKind | None,
    today: dt.date,
) -> list[Outcome]:
    try:
        parsed = parse_activities(member.data, member.name)
    except ActivityFileError as error:
        return [Outcome(label, "refused", str(error))]
    except ValidationError as error:
        return [Outcome(label, "refused", f"activity out of range: {_problems(error)}")]
    except (ValueError, OverflowError) as error:
        # A number or a timestamp beyond what dates and durations can hold.
        return [Outcome(label, "refused", f"a value out of range ({error})")]
    return [
        _store_one(
            activities, settings, athlete_id, activity, file_name, label, timezone, kind, today
        )
        for activity in parsed
    ]


def _problems(error: ValidationError) -> str:
    """A pydantic error as "field: what is wrong (got VALUE)", one per problem."""
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'value'}: {item['msg']}"
        f" (got {item.get('input')!r})"[:300]
        for item in error.errors()
    )


def _store_one(
    activities: ActivityStore,
    settings: ImportSettings,
    athlete_id: str,
    activity: Activity,
    file_name: str,
    name: str,
    timezone: dt.tzinfo | None,
    kind: SessionKind | None,
    today: dt.date,
) -> Outcome:
    sport = settings.untyped_sport if activity.sport == "unknown" else activity.sport
    try:
        log = session_log_for(
            activity, file_name, kind or infer_kind(activity, settings), sport, timezone
        )
    except ValidationError as error:  # a value out of the session log's range
        return Outcome(name, "refused", f"activity out of range: {_problems(error)}")
    except (ValueError, OverflowError) as error:
        return Outcome(name, "refused", f"a value out of range ({error})")
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
