"""The public models refuse bad input with a message that names the field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from engine.contract.models import (
    PUBLIC_MODELS,
    AthleteProfile,
    CheckIn,
    EvaluationRequest,
    PlannedRun,
    SessionLog,
)
from engine.knowledge.base import KnowledgeBase

GOOD_CHECKIN = {
    "date": "2026-11-18",
    "recovery_pct": 85,
    "slept_well": True,
    "soreness": 2,
    "life_stress": 3,
}


def _error_fields(error: ValidationError) -> set[str]:
    return {".".join(str(part) for part in item["loc"]) for item in error.errors()}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recovery_pct": 101}, "recovery_pct"),
        ({"recovery_pct": -1}, "recovery_pct"),
        ({"soreness": 11}, "soreness"),
        ({"life_stress": "high"}, "life_stress"),
        ({"slept_well": "yes"}, "slept_well"),  # strict: no "yes" -> True
        ({"recovery_pct": "85"}, "recovery_pct"),  # strict: no "85" -> 85
        ({"planned": "yoga"}, "planned"),
        ({"date": "18/11/2026"}, "date"),
        ({"mood": "great"}, "mood"),  # unknown field
        ({"pain": [{"area": "knee", "severity": 12}]}, "pain.0.severity"),
        ({"pain": [{"area": "elbowz", "severity": 2}]}, "pain.0.area"),
    ],
)
def test_checkin_refuses_bad_values(change: dict[str, Any], field: str) -> None:
    data = {**GOOD_CHECKIN, **change}
    with pytest.raises(ValidationError) as caught:
        CheckIn.model_validate(data)
    assert field in _error_fields(caught.value)


def test_checkin_accepts_iso_dates_from_json() -> None:
    checkin = CheckIn.model_validate_json(
        '{"date": "2026-11-18", "recovery_pct": 80, "slept_well": true, "soreness": 0,'
        ' "life_stress": 0}'
    )
    assert checkin.date.isoformat() == "2026-11-18"


def test_missing_required_field_is_named() -> None:
    data = dict(GOOD_CHECKIN)
    del data["slept_well"]
    with pytest.raises(ValidationError) as caught:
        CheckIn.model_validate(data)
    assert "slept_well" in _error_fields(caught.value)


def test_profile_unknown_ladder_stage_is_named(kb: KnowledgeBase) -> None:
    data = {
        "id": "ana",
        "level": "beginner",
        "ladders": {"pistol_squat": {"stage": "goblet_squat", "since": "2026-11-01"}},
    }
    with pytest.raises(ValidationError) as caught:
        AthleteProfile.model_validate(data, context={"kb": kb})
    message = str(caught.value)
    assert "ladders" in message and "pistol_squat.stage" in message
    assert "narrow_stance_squat" in message  # lists the real stages


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"ladders": {"moon_walk": {"stage": "x", "since": "2026-11-01"}}}, "unknown ladder"),
        ({"equipment": ["hover_board"]}, "unknown equipment"),
        ({"programs": [{"id": "couch_to_5k", "week": 1}]}, "unknown program"),
        ({"one_rep_max_kg": {"bench_press": 80}}, "unknown exercise"),
        ({"level": "elite"}, "level"),
        ({"kettlebells_kg": [-8]}, "kettlebells_kg"),
        ({"programs": [{"id": "squat_depth", "week": 0}]}, "week"),
    ],
)
def test_profile_refuses_unknown_references(
    kb: KnowledgeBase, change: dict[str, Any], needle: str
) -> None:
    data = {"id": "ana", "level": "beginner", **change}
    with pytest.raises(ValidationError) as caught:
        AthleteProfile.model_validate(data, context={"kb": kb})
    assert needle in str(caught.value)


def test_session_log_checks_exercise_ids_against_the_kb(kb: KnowledgeBase) -> None:
    data = {
        "date": "2026-11-10",
        "kind": "strength",
        "exercises": [{"id": "bench_press", "sets": 3, "reps": 5}],
    }
    with pytest.raises(ValidationError) as caught:
        SessionLog.model_validate(data, context={"kb": kb})
    assert "exercises.0.id" in _error_fields(caught.value)


def test_request_refuses_history_after_the_checkin(
    base_request_data: dict[str, Any], kb: KnowledgeBase
) -> None:
    data = copy.deepcopy(base_request_data)
    data["history"].append({"date": "2026-12-01", "kind": "easy_run"})
    with pytest.raises(ValidationError) as caught:
        EvaluationRequest.model_validate(data, context={"kb": kb})
    assert "history[3].date" in str(caught.value)


def test_planned_run_keeps_date_or_datetime() -> None:
    assert (
        type(PlannedRun.model_validate({"date": "2026-11-20", "kind": "long_run"}).date).__name__
        == "date"
    )
    assert (
        type(
            PlannedRun.model_validate({"date": "2026-11-20T07:30", "kind": "long_run"}).date
        ).__name__
        == "datetime"
    )


@pytest.mark.parametrize("name", sorted(PUBLIC_MODELS))
def test_every_public_model_has_a_json_schema(name: str) -> None:
    schema = PUBLIC_MODELS[name].model_json_schema()
    assert schema["type"] == "object" and schema["properties"]
    assert schema.get("additionalProperties") is False
