"""Ladder decisions that change the stored profile at check-in (finding 12.7: RS704)."""

from __future__ import annotations

import datetime as dt

from engine.app.checkin import check_in
from engine.contract.models import CheckIn, SessionLog
from engine.evaluation.evaluators import get_evaluator

TODAY = dt.date(2026, 11, 18)


def test_a_regression_takes_effect_even_with_a_coach(store, profile) -> None:
    store.add_athlete(
        profile(
            has_coach=True,
            ladders={
                "pistol_squat": {
                    "stage": "isometric_pistol",
                    "since": "2026-10-20",
                    "assistance": "suspension_trainer",
                }
            },
        )
    )
    store.log_session(
        "ana",
        SessionLog.model_validate(
            {
                "date": "2026-11-16",
                "kind": "strength",
                "exercises": [
                    {"id": "isometric_pistol", "sets": 3, "reps": 8, "posture_held": False}
                ],
            }
        ),
    )
    checkin = CheckIn(
        date=TODAY, recovery_pct=90, slept_well=True, soreness=2, life_stress=3, planned="strength"
    )
    result = check_in(store, get_evaluator(), "ana", checkin, today=TODAY)
    decision = {p.ladder: p for p in result.recommendation.progressions}["pistol_squat"]
    assert decision.action == "regress"
    position = store.get_athlete("ana").ladders["pistol_squat"]
    # It used to stay on the stage it lost posture on, waiting for an approval that only
    # advances get; the next day would regress again from the same place.
    assert (position.stage, position.since) == ("narrow_stance_squat", TODAY)
