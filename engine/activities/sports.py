"""Each format's sport names mapped onto runstrong's :data:`~engine.activities.model.Sport`.

These are the formats' vocabularies (FIT's sport and sub-sport enums, TCX's ``Sport``
attribute, the ``<type>`` that Garmin Connect and Strava put in GPX tracks), not coaching
choices: what a given sport counts as for the engine is decided by the kind inference.
"""

from __future__ import annotations

from engine.activities.model import Sport

_NAMES: dict[str, Sport] = {
    "running": "running",
    "run": "running",
    "trail_running": "running",
    "treadmill_running": "running",
    "street_running": "running",
    "track_running": "running",
    "virtual_run": "running",
    "cycling": "cycling",
    "biking": "cycling",
    "ride": "cycling",
    "road_biking": "cycling",
    "mountain_biking": "cycling",
    "virtual_ride": "cycling",
    "swimming": "swimming",
    "swim": "swimming",
    "lap_swimming": "swimming",
    "open_water_swimming": "swimming",
    "strength_training": "strength",
    "weight_training": "strength",
    "weighttraining": "strength",
    "strength": "strength",
    # Strava's older GPX exports give the activity type as a number (Strava's activity type
    # ids); the ones not listed are other sports.
    "1": "cycling",  # Ride
    "2": "other",  # AlpineSki
    "4": "other",  # Hike
    "9": "running",  # Run
    "10": "other",  # Walk
    "16": "swimming",  # Swim
    "17": "cycling",  # VirtualRide
    "53": "running",  # VirtualRun
}


def sport_from_name(name: str | None) -> Sport:
    """A sport name from any of the formats; ``unknown`` when there is none."""
    if name is None or not name.strip():
        return "unknown"
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return _NAMES.get(key, "other")


def fit_sport(sport: str | None, sub_sport: str | None) -> Sport:
    """FIT's sport plus sub-sport: strength is ``training`` with sub-sport strength_training.
    FIT's ``generic`` sport names no sport, like a GPX track without a type, so both are
    ``unknown`` and the same setting (``activity_import.untyped_sport``) decides them."""
    if sub_sport and sport_from_name(sub_sport) == "strength":
        return "strength"
    if sport is None or sport.strip().lower() == "generic":
        return "unknown"
    return sport_from_name(sport)
