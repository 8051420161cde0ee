"""GPX and TCX files shaped like real exports (Strava and Garmin Connect: namespaces, laps,
heart-rate extensions), hostile XML, format detection, and kind inference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.activities.detect import detect_format, parse_activities
from engine.activities.gpx import parse_gpx
from engine.activities.kinds import ImportSettings, infer_kind, pace_variation_pct
from engine.activities.model import Activity, ActivityFileError, Lap
from engine.activities.tcx import parse_tcx
from engine.rulebook.engine_settings import EngineSettings

DATA = Path(__file__).parent / "data" / "activities"


@pytest.fixture(scope="module")
def settings(evaluator) -> ImportSettings:
    return evaluator.ruleset.engine_settings.activity_import


def test_strava_gpx_easy_run() -> None:
    (activity,) = parse_gpx((DATA / "easy_run_strava.gpx").read_bytes())
    assert activity.sport == "running"
    assert activity.start_time == dt.datetime(2026, 11, 24, 6, 30, 3, tzinfo=dt.UTC)
    assert activity.elapsed_s == 2700
    assert 0 < activity.moving_s <= activity.elapsed_s
    assert activity.distance_m == pytest.approx(7950, rel=0.01)
    # Garmin TrackPointExtension hr values, 124..128 in the file
    assert activity.avg_hr_bpm is not None
    assert 124 <= activity.avg_hr_bpm <= 128


def test_garmin_tcx_interval_session() -> None:
    (activity,) = parse_tcx((DATA / "intervals_garmin.tcx").read_bytes())
    assert activity.sport == "running"
    assert activity.start_time == dt.datetime(2026, 11, 26, 17, 15, tzinfo=dt.UTC)
    assert activity.moving_s == 3000
    assert activity.elapsed_s == 3000
    assert activity.distance_m == pytest.approx(9900)
    assert [lap.intensity for lap in activity.laps].count("rest") == 6
    # lap averages weighted by lap time: (600*138 + 6*(180*168 + 120*142) + 600*136) / 3000
    assert activity.avg_hr_bpm == pytest.approx(149.36)


def test_a_gpx_track_without_a_type_has_an_unknown_sport() -> None:
    text = (DATA / "easy_run_strava.gpx").read_text().replace("<type>running</type>", "")
    assert parse_gpx(text.encode())[0].sport == "unknown"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("billion_laughs.gpx", "declares a DTD"),
        ("external_entity.tcx", "declares a DTD"),
        ("no_activity.gpx", "no activity in the GPX file"),
        ("run_log.csv", "unknown format"),
    ],
)
def test_bad_files_are_refused_with_the_reason(name: str, reason: str) -> None:
    data = (DATA / name).read_bytes()
    with pytest.raises(ActivityFileError, match=reason):
        parse_activities(data, name)


def test_an_external_entity_is_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (DATA / "external_entity.tcx").read_bytes().replace(b"/etc/passwd", str(secret).encode())
    with pytest.raises(ActivityFileError) as caught:
        parse_tcx(data)
    assert "TOP-SECRET" not in str(caught.value)


def test_an_entity_without_a_dtd_declaration_is_not_expanded() -> None:
    data = b'<?xml version="1.0"?><gpx xmlns="http://www.topografix.com/GPX/1/1">&lol;</gpx>'
    with pytest.raises(ActivityFileError, match="not well-formed XML"):
        parse_gpx(data)


def test_truncated_xml_is_refused() -> None:
    data = (DATA / "intervals_garmin.tcx").read_bytes()
    with pytest.raises(ActivityFileError, match="not well-formed"):
        parse_activities(data[: len(data) // 2], "cut.tcx")


def test_a_tcx_without_activities_is_refused() -> None:
    data = (
        b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        b'TrainingCenterDatabase/v2"><Activities/></TrainingCenterDatabase>'
    )
    with pytest.raises(ActivityFileError, match="no activity in the TCX file"):
        parse_tcx(data)


def test_a_tcx_lap_with_a_bad_number_names_the_lap() -> None:
    data = (DATA / "intervals_garmin.tcx").read_bytes()
    bad = data.replace(b"<TotalTimeSeconds>600.0<", b"<TotalTimeSeconds>ten minutes<", 1)
    with pytest.raises(ActivityFileError, match="activity 1 lap 1: TotalTimeSeconds"):
        parse_tcx(bad)


def test_other_xml_is_an_unknown_format() -> None:
    with pytest.raises(ActivityFileError, match="neither GPX nor TCX"):
        detect_format(b"<?xml version='1.0'?><kml><Document/></kml>", "route.kml")


def test_format_is_detected_from_content_not_name() -> None:
    data = (DATA / "easy_run_strava.gpx").read_bytes()
    assert detect_format(data, "export.tcx") == "gpx"


# --- kinds ---------------------------------------------------------------------------------------


def _run(minutes: float, km: float, laps: tuple[Lap, ...] = (), sport: str = "running") -> Activity:
    return Activity(
        format="fit",
        sport=sport,  # type: ignore[arg-type]
        sport_detail=sport,
        start_time=dt.datetime(2026, 11, 20, 7, tzinfo=dt.UTC),
        elapsed_s=minutes * 60,
        moving_s=minutes * 60,
        distance_m=km * 1000,
        laps=laps,
    )


def test_long_run_by_time_or_by_distance(settings: ImportSettings) -> None:
    minutes, km = settings.long_run_min_minutes, settings.long_run_min_km
    assert infer_kind(_run(minutes, km / 2), settings) == "long_run"
    assert infer_kind(_run(minutes / 2, km), settings) == "long_run"
    assert infer_kind(_run(minutes - 1, km - 1), settings) == "easy_run"


def test_work_laps_count_only_beside_rest_laps(settings: ImportSettings) -> None:
    work = Lap(elapsed_s=240, distance_m=1000, intensity="work")
    rest = Lap(elapsed_s=120, distance_m=300, intensity="rest")
    assert infer_kind(_run(40, 8, (work, rest, work, rest, work)), settings) == "quality_run"
    steady = tuple(Lap(elapsed_s=330, distance_m=1000, intensity="work") for _ in range(8))
    assert infer_kind(_run(44, 8, steady), settings) == "easy_run"


def test_pace_variation_over_the_threshold_is_quality(settings: ImportSettings) -> None:
    fast = Lap(elapsed_s=240, distance_m=1000)
    slow = Lap(elapsed_s=400, distance_m=1000)
    varied = (fast, slow, fast, slow, fast, slow)
    variation = pace_variation_pct(varied)
    assert variation is not None
    assert variation >= settings.quality_pace_variation_pct
    assert infer_kind(_run(32, 6, varied), settings) == "quality_run"
    even = tuple(Lap(elapsed_s=330 + i, distance_m=1000) for i in range(6))
    assert infer_kind(_run(33, 6, even), settings) == "easy_run"
    # Too few laps to judge, however different.
    assert infer_kind(_run(11, 2, (fast, slow)), settings) == "easy_run"


@pytest.mark.parametrize(
    ("sport", "kind"),
    [
        ("cycling", "cross_training"),
        ("swimming", "cross_training"),
        ("other", "cross_training"),
        ("strength", "strength"),
        ("unknown", "easy_run"),
    ],
)
def test_other_sports(settings: ImportSettings, sport: str, kind: str) -> None:
    assert infer_kind(_run(40, 5, sport=sport), settings) == kind


def test_a_missing_setting_is_named(evaluator) -> None:
    values = dict(evaluator.ruleset.settings)
    del values["activity_import.long_run_min_km"]
    with pytest.raises(ValueError, match=r"setting activity_import\.long_run_min_km is missing"):
        EngineSettings.from_settings(values)


def test_each_gpx_track_is_an_activity() -> None:
    text = (DATA / "easy_run_strava.gpx").read_text()
    track = text[text.index("<trk>") : text.index("</trk>") + len("</trk>")]
    ride = track.replace("<type>running</type>", "<type>cycling</type>").replace(
        "2026-11-24T", "2026-11-25T"
    )
    both = text.replace("</trk>", "</trk>\n " + ride, 1)
    run, bike = parse_gpx(both.encode())
    assert (run.sport, bike.sport) == ("running", "cycling")
    assert bike.start_time.date() == dt.date(2026, 11, 25)


def test_a_tcx_ride_is_cross_training(settings: ImportSettings) -> None:
    data = (
        (DATA / "intervals_garmin.tcx").read_bytes().replace(b'Sport="Running"', b'Sport="Biking"')
    )
    (activity,) = parse_tcx(data)
    assert activity.sport == "cycling"
    assert infer_kind(activity, settings) == "cross_training"
