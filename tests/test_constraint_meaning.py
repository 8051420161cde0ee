"""One meaning per constraint: the planner and the coach's amendment check
ask the same question of the same limits (engine.core.planner.limits), so an amendment is
never refused for what the engine itself put in the session, and a refusal uses the words of
the planner's trace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.app.amend import constraint_breaches
from engine.contract.models import Recommendation
from engine.core.evaluator import Evaluator
from tests.golden import FIXTURES


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda path: path.stem)
def test_the_engines_own_session_breaks_none_of_its_constraints(
    path: Path, evaluator: Evaluator
) -> None:
    recommendation = Recommendation.model_validate(json.loads(path.read_text()))
    assert constraint_breaches(recommendation, recommendation.session, evaluator) == []


@pytest.fixture
def back_pain(tmp_path: Path):
    """Ana on the isometric pistol (bodyweight) checks in with low-back pain in squats: RS801
    rules out loaded squats, hinges and lunges only."""
    from engine.cli.main import cli

    db = f"sqlite:///{tmp_path / 'back.db'}"
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--db", db, *args])

    added = invoke(
        "athlete", "add", "ana", "--level", "intermediate", "--coach",
        "--equipment", "kettlebell,kettlebell_pair,box,mat,mini_band,dumbbell,dumbbell_pair",
        "--bells", "12,16,20", "--program", "heavy_lifting_for_runners:3",
        "--ladder", "pistol_squat=isometric_pistol",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    checked = invoke("checkin", "ana", "--recovery", "90", "--slept-well", "--soreness", "2",
                     "--stress", "2", "--planned", "strength",
                     "--pain", "low_back:3:squat")  # fmt: skip
    assert checked.exit_code == 0, checked.output
    assert "Isometric pistol" in checked.output
    return invoke


def test_a_dose_on_the_bodyweight_pistol_is_accepted_under_a_loaded_only_limit(back_pain) -> None:
    amended = back_pain("review", "amend", "1", "--reviewer", "kim",
                        "--dose", "isometric_pistol=3x6")  # fmt: skip
    assert amended.exit_code == 0, amended.output
    assert "amended by kim" in amended.output
    assert "RS801" not in amended.output


def test_a_loaded_squat_is_refused_in_the_planners_words(back_pain) -> None:
    refused = back_pain("review", "amend", "1", "--reviewer", "kim",
                        "--swap", "isometric_pistol=goblet_squat")  # fmt: skip
    assert refused.exit_code != 0
    assert "RS801: no loaded squat work today (goblet_squat)" in refused.output
    shown = json.loads(back_pain("review", "show", "1", "--format", "json").output)
    assert shown["status"] == "pending"  # nothing stored
