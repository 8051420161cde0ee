"""Which session kind an imported activity is, by thresholds that are settings.

Every number comes from ``rules/settings.yaml`` (section ``activity_import``), each marked as
a default in ``knowledge_base/defaults.yaml``: the articles call a long run a quality workout
but give no length, and say nothing about reading intervals from a watch file.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.activities.model import Activity, Lap, Sport
from engine.contract.models import SessionKind

SETTINGS_PREFIX = "activity_import."


class ImportSettings(BaseModel):
    """The ``activity_import.*`` settings, checked once when an import starts."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    long_run_min_minutes: float = Field(gt=0)
    long_run_min_km: float = Field(gt=0)
    quality_min_work_laps: int = Field(ge=1)
    quality_pace_variation_pct: float = Field(gt=0)
    pace_variation_min_laps: int = Field(ge=2)
    untyped_sport: Sport
    same_activity_window_s: int = Field(ge=0)
    max_file_mb: float = Field(gt=0)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ImportSettings:
        """From the rule set's settings; a missing or bad one is an error naming the key."""
        values = {
            key[len(SETTINGS_PREFIX) :]: value
            for key, value in settings.items()
            if key.startswith(SETTINGS_PREFIX)
        }
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            problems = "; ".join(
                f"{SETTINGS_PREFIX}{'.'.join(str(p) for p in item['loc'])}: {item['msg']}"
                for item in error.errors()
            )
            raise ValueError(f"rules/settings.yaml: {problems}") from error


def _paced(laps: tuple[Lap, ...]) -> list[float]:
    """Seconds per metre of each lap that has a distance, warm-up and cool-down left out."""
    return [
        lap.elapsed_s / lap.distance_m
        for lap in laps
        if lap.distance_m and lap.elapsed_s and lap.intensity not in ("warmup", "cooldown")
    ]


def pace_variation_pct(laps: tuple[Lap, ...]) -> float | None:
    """How much lap paces differ: their coefficient of variation, in percent."""
    paces = _paced(laps)
    if len(paces) < 2:
        return None
    return statistics.pstdev(paces) / statistics.fmean(paces) * 100


def has_structured_work(activity: Activity, settings: ImportSettings) -> bool:
    """Work laps with rest laps between them (FIT or TCX lap intensity), or lap paces that
    vary more than the threshold. A watch marks every auto-lap of a steady run as active, so
    work laps alone are not enough: there must be rest laps too."""
    work = sum(1 for lap in activity.laps if lap.intensity == "work")
    rest = sum(1 for lap in activity.laps if lap.intensity == "rest")
    if work >= settings.quality_min_work_laps and rest >= 1:
        return True
    if len(_paced(activity.laps)) < settings.pace_variation_min_laps:
        return False
    variation = pace_variation_pct(activity.laps)
    return variation is not None and variation >= settings.quality_pace_variation_pct


def infer_kind(activity: Activity, settings: ImportSettings) -> SessionKind:
    """long_run, quality_run or easy_run for a run; cross_training or strength otherwise."""
    sport = settings.untyped_sport if activity.sport == "unknown" else activity.sport
    if sport == "strength":
        return "strength"
    if sport != "running":
        return "cross_training"
    km = (activity.distance_m or 0.0) / 1000
    if activity.moving_s / 60 >= settings.long_run_min_minutes or km >= settings.long_run_min_km:
        return "long_run"
    if has_structured_work(activity, settings):
        return "quality_run"
    return "easy_run"
