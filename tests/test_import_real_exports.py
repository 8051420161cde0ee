"""Activity files as Strava and Garmin really export them: gzip and zip
containers, spaces before the XML declaration, multisport TCX, heart rate 0 for "no strap",
NaN and out-of-range numbers, two tracks of one GPX, FIT ``generic``, Strava's numeric GPX
types, /dev/zero and the time zone's own rules. A folder of them imports file by file and
always ends with its summary."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fit_tool.profile.profile_type import Intensity, Sport, SubSport

from engine.activities.containers import unpack
from engine.activities.detect import parse_activities
from engine.activities.fit import parse_fit
from engine.activities.gpx import parse_gpx
from engine.activities.kinds import ImportSettings
from engine.activities.model import Activity, ActivityFileError
from engine.activities.tcx import parse_tcx
from engine.app.imports import collect_files, session_log_for
from engine.storage.store import Store
from tests.test_import_fit import build_fit

DATA = Path(__file__).parent / "data" / "activities"
TODAY = dt.date.today()
DAY = TODAY - dt.timedelta(days=2)


@pytest.fixture(scope="module")
def settings(evaluator) -> ImportSettings:
    return evaluator.ruleset.engine_settings.activity_import


@pytest.fixture
def ana(run) -> None:
    result = run("athlete", "add", "ana", "--level", "intermediate", "--equipment", "mat")
    assert result.exit_code == 0, result.output


def _tcx(day: dt.date = DAY) -> bytes:
    return (DATA / "intervals_garmin.tcx").read_bytes().replace(b"2026-11-26", str(day).encode())


def _gpx(day: dt.date = DAY) -> str:
    return (DATA / "easy_run_strava.gpx").read_text().replace("2026-11-24", str(day))


def _multisport_tcx(day: dt.date = DAY) -> bytes:
    """A brick session as Garmin writes it: a ride, a transition, then a run."""
    text = _tcx(day).decode()
    activity = text[text.index("<Activity ") : text.index("</Activity>") + len("</Activity>")]
    ride = activity.replace('Sport="Running"', 'Sport="Biking"')
    run = activity.replace(f"{day}T17:", f"{day}T19:")
    session = (
        "<MultiSportSession>"
        f"<Id>{day}T17:15:00Z</Id>"
        f"<FirstSport>{ride}</FirstSport>"
        f"<NextSport><Transition StartTime='{day}T18:10:00Z'><TotalTimeSeconds>60"
        "</TotalTimeSeconds><DistanceMeters>0</DistanceMeters><Calories>1</Calories>"
        "<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod></Transition>"
        f"{run}</NextSport>"
        "</MultiSportSession>"
    )
    return text.replace(activity, session).encode()


def _gz(data: bytes) -> bytes:
    return gzip.compress(data)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _fit(day: dt.date, hour: int, avg_hr: int | None = 150, **kwargs: object) -> bytes:
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)
    laps = [(300.0, 1000.0, Intensity.ACTIVE) for _ in range(6)]
    return build_fit(start, laps, avg_hr=avg_hr, **kwargs)  # type: ignore[arg-type]


# --- the parsers -------------------------------------------------------------------------


def test_spaces_before_the_xml_declaration_are_read() -> None:
    (activity,) = parse_activities(b"  \r\n  " + _tcx(), "strava.tcx")
    assert activity.distance_m == pytest.approx(9900)
    (track,) = parse_activities(b"\n   " + _gpx().encode(), "strava.gpx")
    assert track.sport == "running"


def test_a_multisport_tcx_is_one_activity_per_leg() -> None:
    ride, run = parse_tcx(_multisport_tcx())
    assert (ride.sport, run.sport) == ("cycling", "running")
    assert run.start_time - ride.start_time == dt.timedelta(hours=2)


def test_heart_rate_zero_means_no_heart_rate() -> None:
    (ride,) = parse_fit(
        _fit(DAY, 7, avg_hr=0, sport=Sport.CYCLING, sub_sport=SubSport.INDOOR_CYCLING)
    )
    assert ride.avg_hr_bpm is None
    tcx = _tcx().replace(b"<Value>138</Value>", b"<Value>0</Value>")
    assert parse_tcx(tcx)[0].avg_hr_bpm is not None  # the other laps still have theirs
    gpx = _gpx().replace("<gpxtpx:hr>124</gpxtpx:hr>", "<gpxtpx:hr>0</gpxtpx:hr>")
    (track,) = parse_gpx(gpx.encode())
    assert track.avg_hr_bpm is not None and track.avg_hr_bpm > 124


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            lambda g: g.replace("<gpxtpx:hr>124</gpxtpx:hr>", "<gpxtpx:hr>NaN</gpxtpx:hr>", 1),
            "point 1: heart rate",
        ),
        (
            lambda g: g.replace("<gpxtpx:hr>124</gpxtpx:hr>", "<gpxtpx:hr>-5</gpxtpx:hr>", 1),
            "point 1: heart rate",
        ),
        (lambda g: g.replace('lat="48.8566000"', 'lat="NaN"', 1), "point 1: lat"),
    ],
)
def test_a_gpx_with_nonsense_numbers_is_refused_by_name(text, named: str) -> None:
    with pytest.raises(ActivityFileError, match=named):
        parse_gpx(text(_gpx()).encode())


@pytest.mark.parametrize("value", ["NaN", "INF", "-INF", "1e308", "-3"])
def test_a_tcx_time_that_is_no_number_is_refused_by_name(value: str) -> None:
    data = _tcx().replace(
        b"<TotalTimeSeconds>600.0</TotalTimeSeconds>",
        f"<TotalTimeSeconds>{value}</TotalTimeSeconds>".encode(),
        1,
    )
    with pytest.raises(ActivityFileError, match="lap 1: TotalTimeSeconds"):
        parse_tcx(data)


def test_fit_generic_is_as_untyped_as_a_gpx_without_a_type() -> None:
    (activity,) = parse_fit(_fit(DAY, 7, sport=Sport.GENERIC, sub_sport=SubSport.GENERIC))
    untyped = _gpx().replace("<type>running</type>", "")
    assert activity.sport == parse_gpx(untyped.encode())[0].sport == "unknown"


@pytest.mark.parametrize(
    ("number", "sport"),
    [("1", "cycling"), ("2", "other"), ("9", "running"), ("16", "swimming"), ("53", "running")],
)
def test_stravas_numeric_gpx_types(number: str, sport: str) -> None:
    text = _gpx().replace("<type>running</type>", f"<type>{number}</type>")
    assert parse_gpx(text.encode())[0].sport == sport


def test_containers_unpack_to_their_members() -> None:
    limit = 10_000_000
    (member,) = unpack("a.fit.gz", _gz(b"FIT"), limit)
    assert (member.name, member.inside, member.data) == ("a.fit", None, b"FIT")
    members = unpack(
        "export.zip", _zip({"x.tcx": b"T", "notes.txt": b"-", "y.gpx.gz": _gz(b"G")}), limit
    )
    assert [(m.name, m.inside, m.data) for m in members] == [
        ("x.tcx", "x.tcx", b"T"),
        ("y.gpx", "y.gpx.gz", b"G"),
    ]


def test_a_gzip_bomb_stops_at_the_limit() -> None:
    with pytest.raises(ActivityFileError, match="limit"):
        unpack("bomb.gpx.gz", _gz(b"\0" * 2_000_000), 1_000_000)
    (member,) = unpack("bomb.zip", _zip({"bomb.tcx": b"\0" * 2_000_000}), 1_000_000)
    assert member.error is not None and "limit" in member.error


# --- the session log an activity becomes ----------------------------------------------------


def _activity(start: dt.datetime, elapsed_s: float = 1800, moving_s: float = 1800) -> Activity:
    return Activity(
        format="gpx",
        sport="running",
        sport_detail="",
        start_time=start,
        elapsed_s=elapsed_s,
        moving_s=moving_s,
        distance_m=5000,
    )


@pytest.fixture
def paris() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize(
    ("start", "local_day"),
    [
        # 22:30 UTC is 00:30 the next day in a Paris summer (+2), 23:30 the same day in winter.
        (dt.datetime(2026, 7, 15, 22, 30, tzinfo=dt.UTC), dt.date(2026, 7, 16)),
        (dt.datetime(2026, 1, 15, 22, 30, tzinfo=dt.UTC), dt.date(2026, 1, 15)),
        (dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC), dt.date(2026, 1, 16)),
    ],
)
def test_the_default_zone_dates_by_its_rules_on_the_day(paris, start, local_day) -> None:
    log = session_log_for(_activity(start), "run.gpx", "easy_run", "running", None)
    assert log.date == local_day


def test_a_bad_device_clock_keeps_the_timer_time() -> None:
    start = dt.datetime(2026, 11, 20, 7, tzinfo=dt.UTC)
    log = session_log_for(
        _activity(start, elapsed_s=3 * 86400, moving_s=3600),
        "run.fit",
        "easy_run",
        "running",
        dt.UTC,
    )
    assert (log.duration_min, log.elapsed_min) == (60, None)


def test_a_track_with_no_moving_time_has_no_pace() -> None:
    start = dt.datetime(2026, 11, 20, 7, tzinfo=dt.UTC)
    log = session_log_for(_activity(start, 0, 0), "run.gpx", "easy_run", "running", dt.UTC)
    assert (log.duration_min, log.avg_pace_min_per_km) == (0, None)


# --- a folder of real-shaped exports, end to end ---------------------------------------------


@pytest.fixture
def strava_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "export_12345" / "activities"
    folder.mkdir(parents=True)
    day = DAY - dt.timedelta(days=3)
    (folder / "1001.fit.gz").write_bytes(_gz(_fit(day, 6)))
    (folder / "1002.tcx.gz").write_bytes(_gz(b"   \n" + _tcx(DAY - dt.timedelta(days=4))))
    (folder / "1003.gpx").write_bytes(b"\n  " + _gpx(DAY - dt.timedelta(days=5)).encode())
    (folder / "1004.tcx").write_bytes(_multisport_tcx(DAY - dt.timedelta(days=6)))
    zwift = _fit(DAY, 18, avg_hr=0, sport=Sport.CYCLING, sub_sport=SubSport.VIRTUAL_ACTIVITY)
    (folder / "1005.fit").write_bytes(zwift)
    garmin = _zip({"123_ACTIVITY.fit": _fit(DAY - dt.timedelta(days=1), 6)})
    (folder / "garmin_original.zip").write_bytes(garmin)
    nan_hr = _gpx(DAY - dt.timedelta(days=7)).replace(
        "<gpxtpx:hr>124</gpxtpx:hr>", "<gpxtpx:hr>NaN</gpxtpx:hr>", 1
    )
    (folder / "2001_bad_hr.gpx").write_text(nan_hr)
    huge = _tcx(DAY - dt.timedelta(days=8)).replace(
        b"<TotalTimeSeconds>600.0</TotalTimeSeconds>", b"<TotalTimeSeconds>1e308</TotalTimeSeconds>"
    )
    (folder / "2002_huge.tcx.gz").write_bytes(_gz(huge))
    (folder / "2003_broken.fit.gz").write_bytes(b"\x1f\x8b not really gzip")
    return folder


def test_a_strava_bulk_export_imports_file_by_file(run, ana, db, strava_folder: Path) -> None:
    files = collect_files([strava_folder])
    assert len(files) == 9
    result = run("import", "ana", str(strava_folder.parent), "--timezone", "UTC")
    assert result.exit_code == 2, result.output
    assert "7 imported, 0 already there, 3 refused" in result.output
    assert "2001_bad_hr.gpx: track 1 point 1: heart rate is nan" in result.output
    huge = "2002_huge.tcx.gz: activity 1 lap 1: TotalTimeSeconds 1e+308 is out of range"
    assert huge in result.output
    assert "2003_broken.fit.gz: corrupt gzip file" in result.output
    assert "Traceback" not in result.output and "validation error" not in result.output
    logs = Store.open(db).sessions("ana")
    by_file = {log.source.file: log for log in logs if log.source}
    assert set(by_file) == {
        "1001.fit.gz",
        "1002.tcx.gz",
        "1003.gpx",
        "1004.tcx",
        "1005.fit",
        "garmin_original.zip:123_ACTIVITY.fit",
    }
    assert by_file["1005.fit"].avg_hr_bpm is None
    assert by_file["1005.fit"].kind == "cross_training"
    assert sorted(
        log.source.sport for log in logs if log.source and log.source.file == "1004.tcx"
    ) == [
        "cycling",
        "running",
    ]
    again = run("import", "ana", str(strava_folder.parent), "--timezone", "UTC")
    assert "0 imported, 7 already there, 3 refused" in again.output


def test_two_tracks_of_one_gpx_are_two_activities(run, ana, db, tmp_path: Path) -> None:
    text = _gpx()
    track = text[text.index("<trk>") : text.index("</trk>") + len("</trk>")]
    # The second track starts 46 s after the first one's start (a restart after a stop).
    second = track.replace(f"{DAY}T06:30:03Z", f"{DAY}T06:30:49Z").replace(
        "<name>Morning Run</name>", "<name>Part 2</name>"
    )
    path = tmp_path / "two.gpx"
    path.write_text(text.replace("</trk>", "</trk>\n " + second, 1))
    result = run("import", "ana", str(path), "--timezone", "UTC")
    assert "2 imported, 0 already there, 0 refused" in result.output, result.output
    again = run("import", "ana", str(path), "--timezone", "UTC")
    assert "0 imported, 2 already there, 0 refused" in again.output, again.output
    # The same run exported again in another file is still the same activity.
    other = tmp_path / "copy.gpx"
    other.write_text(text.replace(f"{DAY}T06:30:03Z", f"{DAY}T06:30:05Z"))
    copy = run("import", "ana", str(other), "--timezone", "UTC")
    assert "0 imported, 1 already there" in copy.output, copy.output


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_at_the_size_limit(run, ana) -> None:
    result = run("import", "ana", "/dev/zero", "--timezone", "UTC")
    assert result.exit_code == 2
    assert "/dev/zero: too large (activity_import.max_file_mb" in result.output
