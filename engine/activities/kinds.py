"""Which session kind an imported activity is, by thresholds that are settings.

Every number comes from ``rules/settings.yaml`` (section ``activity_import``), each marked as
a default in ``knowledge_base/defaults.yaml``: the articles call a long run a quality workout
but give no length, and say nothing about reading intervals from a watch file.
"""

from __future__ import annotations

import statistics

from pydantic import BaseModel, ConfigDict, Field

from engine.activities.model import Activity, Lap, Sport
from engine.contract.models import SessionKind


class ImportSettings(BaseModel):
    """The ``activity_import.*`` settings: a group of the engine's typed settings
    (:class:`engine.rulebook.engine_settings.EngineSettings`), checked when the rule directory
    is loaded, with the file and line of a bad one."""

    # strict: a quoted number in the settings file is a mistake to report, not to coerce.
    model_config = ConfigDict(frozen=True, strict=True, extra="ignore")

    long_run_min_minutes: float = Field(gt=0, description="an imported long run's moving time")
    long_run_min_km: float = Field(gt=0, description="an imported long run's distance")
    quality_min_work_laps: int = Field(ge=1, description="the work laps of a quality run")
    quality_pace_variation_pct: float = Field(
        gt=0, description="the lap-pace variation of a quality run"
    )
    pace_variation_min_laps: int = Field(ge=2, description="the laps a pace variation needs")
    untyped_sport: Sport = Field(description="the sport of a file that names none")
    same_activity_window_s: int = Field(ge=0, description="one activity recorded twice")
    max_file_mb: float = Field(gt=0, description="the largest activity file read")


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
