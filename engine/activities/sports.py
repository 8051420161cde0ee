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
    # Strava's older GPX exports give the activity type as a number.
    "9": "running",
    "1": "cycling",
    "2": "swimming",
    "10": "other",  # walk
    "4": "other",  # hike
}


def sport_from_name(name: str | None) -> Sport:
    """A sport name from any of the formats; ``unknown`` when there is none."""
    if name is None or not name.strip():
        return "unknown"
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return _NAMES.get(key, "other")


def fit_sport(sport: str | None, sub_sport: str | None) -> Sport:
    """FIT's sport plus sub-sport: strength is ``training`` with sub-sport strength_training."""
    if sub_sport and sport_from_name(sub_sport) == "strength":
        return "strength"
    if sport is None:
        return "unknown"
    return sport_from_name(sport)
