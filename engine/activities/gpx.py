"""GPX tracks (Strava, Garmin Connect, phone apps) read with gpxpy.

The bytes pass the hardened parser first (:mod:`engine.activities.xmlsafe`), so gpxpy only
ever sees a document without a DTD. Each track with timed points is one activity; moving
time is gpxpy's (time between points faster than its stopped-speed threshold), heart rate
the mean of the Garmin ``TrackPointExtension`` ``hr`` values where the export has them.
"""

from __future__ import annotations

import datetime as dt
import math
from xml.etree.ElementTree import Element

import gpxpy
import gpxpy.gpx

from engine.activities.model import Activity, ActivityFileError, heart_rate, mean
from engine.activities.sports import sport_from_name
from engine.activities.xmlsafe import local_name, parse_xml, xml_body


def looks_like_gpx(root: Element) -> bool:
    return local_name(root.tag) == "gpx"


def _heart_rates(extensions: list[Element], where: str) -> list[float]:
    rates: list[float] = []
    for extension in extensions:
        for element in extension.iter():
            if local_name(element.tag) == "hr" and element.text:
                try:
                    value = float(element.text)
                except ValueError:
                    continue
                rate = heart_rate(value, f"{where}: heart rate")
                if rate is not None:
                    rates.append(rate)
    return rates


def _check_position(point: gpxpy.gpx.GPXTrackPoint, where: str) -> None:
    # gpxpy reads "NaN" as a float; a NaN position makes every distance NaN.
    for name, value in (("lat", point.latitude), ("lon", point.longitude)):
        if not math.isfinite(value):
            raise ActivityFileError(f"{where}: {name} is {value!r}, not a position")
    if point.elevation is not None and not math.isfinite(point.elevation):
        raise ActivityFileError(f"{where}: ele is {point.elevation!r}, not an elevation")


def _activity(track: gpxpy.gpx.GPXTrack, track_number: int) -> Activity | None:
    points = [
        point for segment in track.segments for point in segment.points if point.time is not None
    ]
    if len(points) < 2:
        return None
    for number, point in enumerate(points, start=1):
        _check_position(point, f"track {track_number} point {number}")
    times = [point.time for point in points if isinstance(point.time, dt.datetime)]
    start, end = min(times), max(times)
    moving = track.get_moving_data()
    distance = track.length_3d() if any(p.elevation is not None for p in points) else None
    distance = distance if distance is not None else track.length_2d()
    rates = [
        rate
        for number, point in enumerate(points, start=1)
        for rate in _heart_rates(point.extensions, f"track {track_number} point {number}")
    ]
    elapsed = (end - start).total_seconds()
    moving_s = float(moving.moving_time) if moving and moving.moving_time else elapsed
    return Activity(
        format="gpx",
        sport=sport_from_name(track.type),
        sport_detail=track.type or "",
        start_time=start,
        elapsed_s=elapsed,
        moving_s=min(moving_s, elapsed),
        distance_m=distance,
        avg_hr_bpm=mean(rates),
    )


def parse_gpx(data: bytes) -> list[Activity]:
    """The activities (tracks with timed points) of a GPX file."""
    root = parse_xml(data, "GPX file")
    if not looks_like_gpx(root):
        raise ActivityFileError(f"not a GPX file (the root element is <{local_name(root.tag)}>)")
    try:
        document = gpxpy.parse(xml_body(data).decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ActivityFileError(f"GPX file is not UTF-8 ({error})") from error
    except gpxpy.gpx.GPXException as error:
        raise ActivityFileError(f"invalid GPX file ({error})") from error
    activities = [
        activity
        for number, track in enumerate(document.tracks, start=1)
        if (activity := _activity(track, number))
    ]
    if not activities:
        raise ActivityFileError("no activity in the GPX file (no track with timed points)")
    return activities
