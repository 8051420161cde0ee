"""FIT files (Garmin, Coros, Suunto, Wahoo ...) read with fitdecode.

The activity is the ``session`` message (a multisport file has several), its laps the ``lap``
messages that fall inside it. fitdecode checks the header and the CRC, so a truncated or
corrupted file is refused rather than half-read.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
from typing import Any

import fitdecode

from engine.activities.model import Activity, ActivityFileError, Lap, LapIntensity
from engine.activities.sports import fit_sport

FIT_SIGNATURE = b".FIT"

_INTENSITIES: dict[str, LapIntensity] = {
    "active": "work",
    "interval": "work",
    "rest": "rest",
    "recovery": "rest",
    "warmup": "warmup",
    "cooldown": "cooldown",
}


def looks_like_fit(data: bytes) -> bool:
    """A FIT file's header carries ``.FIT`` at bytes 8-11."""
    return len(data) >= 12 and data[8:12] == FIT_SIGNATURE


def _messages(data: bytes) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    try:
        # fitdecode warns (on stderr) about odd definitions in damaged files; the CRC check
        # or the error below says what is wrong instead.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _read_messages(data, out)
    except fitdecode.FitEOFError as error:
        raise ActivityFileError(f"truncated FIT file ({error})") from error
    except fitdecode.FitCRCError as error:
        raise ActivityFileError(f"corrupt FIT file: CRC check failed ({error})") from error
    except Exception as error:
        # Damaged bytes can trip the decoder before the CRC at the end is reached (fuzzing
        # found TypeErrors deep in fitdecode): any failure to decode is a corrupt file.
        raise ActivityFileError(f"corrupt FIT file ({type(error).__name__}: {error})") from error
    return out


def _read_messages(data: bytes, out: list[tuple[str, dict[str, Any]]]) -> None:
    with fitdecode.FitReader(
        io.BytesIO(data),
        check_crc=fitdecode.CrcCheck.RAISE,
        keep_raw_chunks=False,
    ) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name in ("session", "lap"):
                out.append((frame.name, {f.name: f.value for f in frame.fields}))


def _float(value: Any) -> float | None:
    """A field's number; fitdecode gives None for FIT's invalid marker, and a negative or
    non-finite value is no measurement either."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def _heart_rate(value: Any) -> float | None:
    # 0 is what Zwift and indoor trainers write when no strap is paired: no heart rate.
    rate = _float(value)
    return rate if rate else None


def _lap(fields: dict[str, Any]) -> Lap:
    intensity = _INTENSITIES.get(str(fields.get("intensity") or "").lower(), "unknown")
    return Lap(
        elapsed_s=_float(fields.get("total_timer_time"))
        or _float(fields.get("total_elapsed_time"))
        or 0.0,
        distance_m=_float(fields.get("total_distance")),
        intensity=intensity,
    )


def _within(fields: dict[str, Any], start: dt.datetime, end: dt.datetime) -> bool:
    when = fields.get("start_time")
    return isinstance(when, dt.datetime) and start <= when <= end


def parse_fit(data: bytes) -> list[Activity]:
    """The activities (sessions) of a FIT file."""
    if not looks_like_fit(data):
        raise ActivityFileError("not a FIT file (no .FIT signature in the header)")
    messages = _messages(data)
    laps = [fields for name, fields in messages if name == "lap"]
    activities: list[Activity] = []
    for name, fields in messages:
        if name != "session":
            continue
        start = fields.get("start_time")
        if not isinstance(start, dt.datetime):
            raise ActivityFileError("a session has no start time")
        elapsed = _float(fields.get("total_elapsed_time"))
        moving = _float(fields.get("total_timer_time"))
        # Timer time leaves out pauses; a file with only one of the two uses it for both.
        elapsed = elapsed if elapsed is not None else moving
        moving = moving if moving is not None else elapsed
        if elapsed is None or moving is None:
            raise ActivityFileError(f"the session starting {start.isoformat()} has no duration")
        end = start + dt.timedelta(seconds=elapsed)
        sport, sub_sport = fields.get("sport"), fields.get("sub_sport")
        activities.append(
            Activity(
                format="fit",
                sport=fit_sport(
                    None if sport is None else str(sport),
                    None if sub_sport is None else str(sub_sport),
                ),
                sport_detail="/".join(str(part) for part in (sport, sub_sport) if part),
                start_time=start,
                elapsed_s=elapsed,
                moving_s=moving,
                distance_m=_float(fields.get("total_distance")),
                avg_hr_bpm=_heart_rate(fields.get("avg_heart_rate")),
                laps=tuple(_lap(lap) for lap in laps if _within(lap, start, end)),
            )
        )
    if not activities:
        raise ActivityFileError("no activity in the FIT file (no session message)")
    return activities
