"""What a recorded activity is, whatever file it came from."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.contract.errors import UserError

# The sports runstrong tells apart; every format's own names map onto these.
Sport = Literal["running", "cycling", "swimming", "strength", "other", "unknown"]
FileFormat = Literal["fit", "gpx", "tcx"]
# Lap intensity as FIT and TCX record it: "work" for active or interval laps, "rest" for rest
# or recovery, warm-up and cool-down apart, "unknown" where the file says nothing.
LapIntensity = Literal["work", "rest", "warmup", "cooldown", "unknown"]

NonNegFloat = Annotated[float, Field(ge=0)]


class ActivityFileError(UserError, ValueError):
    """A file that cannot be imported; the message says why (the caller adds the file name)."""


class Lap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    elapsed_s: NonNegFloat
    distance_m: NonNegFloat | None = None
    intensity: LapIntensity = "unknown"


class Activity(BaseModel):
    """One recorded activity: when, what sport, how long, how far, how hard."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: FileFormat
    sport: Sport
    # The sport as the file names it ("running/trail", "Biking", "9"), for the record.
    sport_detail: str
    start_time: dt.datetime
    elapsed_s: NonNegFloat
    moving_s: NonNegFloat
    distance_m: NonNegFloat | None = None
    avg_hr_bpm: NonNegFloat | None = None
    laps: tuple[Lap, ...] = ()

    @field_validator("start_time")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        """Always timezone-aware UTC: files without a zone are UTC by every format's spec."""
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def parse_time(text: str | None, what: str) -> dt.datetime:
    """An ISO 8601 timestamp as GPX and TCX write it (``2026-11-20T06:45:00Z``)."""
    if not text or not text.strip():
        raise ActivityFileError(f"{what} has no time")
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ActivityFileError(f"{what}: {text.strip()!r} is not a timestamp") from error
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def measured(value: float, what: str) -> float:
    """A number a file records, refused by name when it is NaN, infinite or negative: no
    watch measures those, and stored they would poison every sum the engine takes."""
    if not math.isfinite(value) or value < 0:
        raise ActivityFileError(f"{what} is {value!r}, not a measurement")
    return value


def heart_rate(value: float, what: str) -> float | None:
    """A heart-rate reading; 0 is how FIT, GPX and TCX writers say "no strap", so it is none."""
    return None if measured(value, what) == 0 else value


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
