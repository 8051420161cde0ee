"""TCX files (Garmin Training Center; Garmin Connect, Polar and others export them), read with
the hardened XML parser.

Each ``Activity`` is one activity, its ``Lap`` elements the laps: ``TotalTimeSeconds`` is
timer (moving) time, ``Intensity`` is ``Active`` or ``Resting``. Elapsed time runs from the
activity's ``Id`` to its last track point (or the end of its last lap).
"""

from __future__ import annotations

import datetime as dt
from xml.etree.ElementTree import Element

from engine.activities.model import (
    Activity,
    ActivityFileError,
    Lap,
    LapIntensity,
    heart_rate,
    mean,
    measured,
    parse_time,
)
from engine.activities.sports import sport_from_name
from engine.activities.xmlsafe import local_name, parse_xml

_INTENSITIES: dict[str, LapIntensity] = {"active": "work", "resting": "rest"}
# The largest number a TCX field may hold: ten million (seconds, metres, beats). A technical
# bound on input, far above any real activity, below what overflows datetime arithmetic.
MAX_TCX_NUMBER = 1e7


def looks_like_tcx(root: Element) -> bool:
    return local_name(root.tag) == "TrainingCenterDatabase"


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local_name(child.tag) == name]


def _child(element: Element, name: str) -> Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _number(element: Element | None, name: str, where: str) -> float | None:
    child = None if element is None else _child(element, name)
    if child is None or child.text is None or not child.text.strip():
        return None
    try:
        value = float(child.text)
    except ValueError as error:
        text = child.text.strip()
        raise ActivityFileError(f"{where}: {name} {text!r} is not a number") from error
    # NaN, INF and negatives are no measurement; past a day in seconds or a world tour in
    # metres a number is a broken writer, and would overflow the date arithmetic.
    measured(value, f"{where}: {name}")
    if value > MAX_TCX_NUMBER:
        raise ActivityFileError(f"{where}: {name} {value!r} is out of range")
    return value


def _heart_rate(element: Element, name: str, where: str) -> float | None:
    holder = _child(element, name)
    value = None if holder is None else _number(holder, "Value", where)
    return None if value is None else heart_rate(value, f"{where}: {name}")


def _activity(element: Element, index: int) -> Activity:
    where = f"activity {index + 1}"
    identity = _child(element, "Id")
    start = parse_time(None if identity is None else identity.text, f"{where} Id")
    laps: list[Lap] = []
    moving = 0.0
    distance: float | None = None
    weighted_hr: list[tuple[float, float]] = []
    end = start
    point_rates: list[float] = []
    for lap_index, lap in enumerate(_children(element, "Lap")):
        lap_where = f"{where} lap {lap_index + 1}"
        seconds = _number(lap, "TotalTimeSeconds", lap_where)
        if seconds is None:
            raise ActivityFileError(f"{lap_where} has no TotalTimeSeconds")
        meters = _number(lap, "DistanceMeters", lap_where)
        lap_start = parse_time(lap.get("StartTime"), f"{lap_where} StartTime")
        end = max(end, lap_start + dt.timedelta(seconds=seconds))
        moving += seconds
        if meters is not None:
            distance = (distance or 0.0) + meters
        rate = _heart_rate(lap, "AverageHeartRateBpm", lap_where)
        if rate is not None:
            weighted_hr.append((rate, seconds))
        intensity_element = _child(lap, "Intensity")
        intensity = _INTENSITIES.get(
            (intensity_element.text or "").strip().lower() if intensity_element is not None else "",
            "unknown",
        )
        laps.append(Lap(elapsed_s=seconds, distance_m=meters, intensity=intensity))
        for track in _children(lap, "Track"):
            for point in _children(track, "Trackpoint"):
                time = _child(point, "Time")
                if time is not None and time.text:
                    end = max(end, parse_time(time.text, f"{lap_where} Trackpoint"))
                rate = _heart_rate(point, "HeartRateBpm", lap_where)
                if rate is not None:
                    point_rates.append(rate)
    if not laps:
        raise ActivityFileError(f"{where} has no laps")
    total_weight = sum(weight for _, weight in weighted_hr)
    avg_hr = (
        sum(rate * weight for rate, weight in weighted_hr) / total_weight
        if total_weight
        else mean(point_rates)
    )
    sport_name = element.get("Sport")
    return Activity(
        format="tcx",
        sport=sport_from_name(sport_name),
        sport_detail=sport_name or "",
        start_time=start,
        elapsed_s=max((end - start).total_seconds(), moving),
        moving_s=moving,
        distance_m=distance,
        avg_hr_bpm=avg_hr,
        laps=tuple(laps),
    )


def _activity_elements(container: Element) -> list[Element]:
    """The ``Activity`` elements, in order: directly under ``Activities``, or inside a
    ``MultiSportSession`` (its ``FirstSport`` and each ``NextSport``), where a triathlon or a
    brick session puts one activity per leg."""
    found: list[Element] = []
    for child in container:
        name = local_name(child.tag)
        if name == "Activity":
            found.append(child)
        elif name == "MultiSportSession":
            for leg in child:
                if local_name(leg.tag) in ("FirstSport", "NextSport"):
                    found.extend(_children(leg, "Activity"))
    return found


def parse_tcx(data: bytes) -> list[Activity]:
    """The activities of a TCX file."""
    root = parse_xml(data, "TCX file")
    if not looks_like_tcx(root):
        raise ActivityFileError(f"not a TCX file (the root element is <{local_name(root.tag)}>)")
    container = _child(root, "Activities")
    elements = [] if container is None else _activity_elements(container)
    if not elements:
        raise ActivityFileError("no activity in the TCX file (no <Activity> element)")
    return [_activity(element, index) for index, element in enumerate(elements)]
