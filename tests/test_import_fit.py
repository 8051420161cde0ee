"""FIT files written by a third-party writer (fit-tool, from PyPI), read by our FIT parser.

:func:`build_fit` is also what the CLI tests use to make their watch files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.lap_message import LapMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.profile_type import FileType, Intensity, Manufacturer, Sport, SubSport

from engine.activities.detect import parse_activities
from engine.activities.fit import parse_fit
from engine.activities.model import ActivityFileError

LapSpec = tuple[float, float, Intensity]  # seconds, metres, intensity


def _ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def build_fit(
    start: dt.datetime,
    laps: Sequence[LapSpec],
    sport: Sport = Sport.RUNNING,
    sub_sport: SubSport = SubSport.GENERIC,
    pause_s: float = 0.0,
    avg_hr: int | None = 142,
    with_session: bool = True,
) -> bytes:
    """A FIT activity file as a Garmin watch writes one: file id, records, laps, one session,
    the activity message. ``pause_s`` is time stopped (elapsed minus timer time)."""
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.product = 4257
    file_id.serial_number = 3442981234
    file_id.time_created = _ms(start)
    builder.add(file_id)
    moving = sum(seconds for seconds, _, _ in laps)
    distance = sum(metres for _, metres, _ in laps)
    elapsed = moving + pause_s
    at, covered = start, 0.0
    for seconds, metres, intensity in laps:
        for step in range(0, int(seconds), 60):
            record = RecordMessage()
            record.timestamp = _ms(at + dt.timedelta(seconds=step))
            record.distance = covered + metres * step / seconds
            record.heart_rate = avg_hr or 0
            builder.add(record)
        lap = LapMessage()
        lap.start_time = _ms(at)
        lap.timestamp = _ms(at + dt.timedelta(seconds=seconds))
        lap.total_elapsed_time = seconds
        lap.total_timer_time = seconds
        lap.total_distance = metres
        lap.intensity = intensity
        builder.add(lap)
        at += dt.timedelta(seconds=seconds)
        covered += metres
    if with_session:
        session = SessionMessage()
        session.start_time = _ms(start)
        session.timestamp = _ms(start + dt.timedelta(seconds=elapsed))
        session.sport = sport
        session.sub_sport = sub_sport
        session.total_elapsed_time = elapsed
        session.total_timer_time = moving
        session.total_distance = distance
        if avg_hr is not None:
            session.avg_heart_rate = avg_hr
        builder.add(session)
    activity = ActivityMessage()
    activity.timestamp = _ms(start + dt.timedelta(seconds=elapsed))
    activity.num_sessions = 1 if with_session else 0
    builder.add(activity)
    return bytes(builder.build().to_bytes())


def long_run_laps(km: int = 22, pace_s: float = 330) -> list[LapSpec]:
    """Auto-laps of 1 km at a steady pace (a watch marks each one active)."""
    return [(pace_s, 1000.0, Intensity.ACTIVE) for _ in range(km)]


def interval_laps() -> list[LapSpec]:
    """Warm-up, 5 x (4 min hard, 2 min recovery), cool-down."""
    laps: list[LapSpec] = [(600.0, 1700.0, Intensity.WARMUP)]
    for _ in range(5):
        laps += [(240.0, 1000.0, Intensity.ACTIVE), (120.0, 300.0, Intensity.REST)]
    return [*laps, (600.0, 1700.0, Intensity.COOLDOWN)]


START = dt.datetime(2026, 11, 22, 7, 30, tzinfo=dt.UTC)


def test_a_long_run_reads_start_times_distance_and_heart_rate() -> None:
    data = build_fit(START, long_run_laps(), pause_s=95)
    (activity,) = parse_fit(data)
    assert activity.format == "fit"
    assert activity.sport == "running"
    assert activity.start_time == START
    assert activity.moving_s == pytest.approx(22 * 330)
    assert activity.elapsed_s == pytest.approx(22 * 330 + 95)
    assert activity.distance_m == pytest.approx(22000)
    assert activity.avg_hr_bpm == 142
    assert len(activity.laps) == 22
    assert {lap.intensity for lap in activity.laps} == {"work"}


def test_lap_intensities_are_read() -> None:
    (activity,) = parse_fit(build_fit(START, interval_laps()))
    assert [lap.intensity for lap in activity.laps][:3] == ["warmup", "work", "rest"]
    assert activity.laps[-1].intensity == "cooldown"


@pytest.mark.parametrize(
    ("sport", "sub_sport", "expected"),
    [
        (Sport.CYCLING, SubSport.ROAD, "cycling"),
        (Sport.SWIMMING, SubSport.LAP_SWIMMING, "swimming"),
        (Sport.TRAINING, SubSport.STRENGTH_TRAINING, "strength"),
        (Sport.HIKING, SubSport.GENERIC, "other"),
    ],
)
def test_sports_map_onto_runstrongs(sport: Sport, sub_sport: SubSport, expected: str) -> None:
    data = build_fit(START, [(1800.0, 500.0, Intensity.ACTIVE)], sport=sport, sub_sport=sub_sport)
    assert parse_fit(data)[0].sport == expected


def test_a_truncated_file_is_refused() -> None:
    data = build_fit(START, long_run_laps())
    with pytest.raises(ActivityFileError, match="truncated FIT file"):
        parse_fit(data[: len(data) // 2])


def test_a_corrupted_byte_fails_the_crc() -> None:
    data = bytearray(build_fit(START, long_run_laps()))
    data[len(data) // 2] ^= 0xFF
    with pytest.raises(ActivityFileError, match="corrupt FIT file"):
        parse_fit(bytes(data))


def test_a_file_without_a_session_has_no_activity() -> None:
    data = build_fit(START, long_run_laps(3), with_session=False)
    with pytest.raises(ActivityFileError, match="no activity in the FIT file"):
        parse_fit(data)


def test_a_fit_name_on_other_bytes_is_refused_as_corrupt() -> None:
    with pytest.raises(ActivityFileError, match="corrupt FIT file"):
        parse_activities(b"\x00" * 64, "watch.fit")
