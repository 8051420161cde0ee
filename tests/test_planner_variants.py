"""Which variant of a program the athlete gets, and what a substitute is done with."""

from __future__ import annotations

from typing import Any

import pytest

from engine.contract.models import AthleteProfile
from engine.core.planner.substitutions import substitute_slot
from engine.core.planner.variants import pick_variant
from engine.knowledge.base import KnowledgeBase
from engine.knowledge.schema import Dose


def athlete(make_request: Any, **changes: Any) -> AthleteProfile:
    profile: AthleteProfile = make_request(athlete=changes).athlete
    return profile


@pytest.mark.parametrize(
    ("equipment", "wanted"),
    [
        (["loop_band"], "half_kneeling_trio"),
        (["cable_machine", "mat"], "half_kneeling_trio"),
        (["kettlebell"], "floor_trio"),
        ([], "floor_trio"),
    ],
)
def test_the_trunk_trio_follows_the_equipment(
    kb: KnowledgeBase, make_request: Any, equipment: list[str], wanted: str
) -> None:
    profile = athlete(make_request, level="beginner", programs=[], equipment=equipment)
    variant = pick_variant(kb.programs["trunk_stability"], "", profile, kb.exercises)
    assert variant.id == wanted


def test_the_floor_trio_needs_no_equipment(kb: KnowledgeBase) -> None:
    variant = kb.programs["trunk_stability"].variant("floor_trio")
    exercises = [kb.exercises[e.exercise] for b in variant.blocks for e in b.exercises]
    assert [e.id for e in exercises] == ["bird_dog", "dead_bug", "short_side_plank"]
    assert all(e.usable_with([]) for e in exercises)


def test_a_requested_variant_wins_over_equipment(kb: KnowledgeBase, make_request: Any) -> None:
    profile = athlete(make_request, level="beginner", programs=[], equipment=[])
    variant = pick_variant(
        kb.programs["trunk_stability"], "half_kneeling_trio", profile, kb.exercises
    )
    assert variant.id == "half_kneeling_trio"


def test_the_enrolled_week_wins_over_equipment(kb: KnowledgeBase, make_request: Any) -> None:
    # Without the box and the kettlebell pair, week 3 is still week 3: its exercises are then
    # dropped by name, rather than the athlete silently getting another week's plan.
    profile = athlete(
        make_request, equipment=["mat"], programs=[{"id": "heavy_lifting_for_runners", "week": 3}]
    )
    program = kb.programs["heavy_lifting_for_runners"]
    variant = pick_variant(program, "", profile, kb.exercises)
    assert variant.week == 3


def test_nothing_equipped_falls_back_to_the_level_or_default(
    kb: KnowledgeBase, make_request: Any
) -> None:
    profile = athlete(make_request, level="intermediate", programs=[], equipment=[])
    program = kb.programs["runner_deadlift"]
    variant = pick_variant(program, "", profile, kb.exercises)
    assert variant.id == program.default_variant


SLOT = Dose(sets=3, reps=8, per_side=True, sources=["d1_lateral_step_down"])


def test_a_regression_counted_the_same_way_keeps_the_slot(kb: KnowledgeBase) -> None:
    original, easier = kb.exercises["deficit_reverse_lunge"], kb.exercises["reverse_lunge"]
    dose, notes = substitute_slot(original, easier, SLOT, ["drive through the front heel"])
    assert dose is SLOT
    assert notes == ["drive through the front heel"]


def test_a_regression_counted_another_way_brings_its_own_dose(kb: KnowledgeBase) -> None:
    # The banded mountain climber's regression is a timed hold: 8 reps of a hold mean nothing.
    original = kb.exercises["banded_mountain_climber"]
    easier = kb.exercises["side_plank_hip_flexion"]
    assert easier.dose is not None and easier.dose.duration_s is not None
    dose, notes = substitute_slot(original, easier, SLOT, ["exhale as the knee comes in"])
    assert dose == easier.dose
    assert notes == ["exhale as the knee comes in"]


def test_an_alternative_brings_its_own_dose_and_none_of_the_slot_notes(kb: KnowledgeBase) -> None:
    original = kb.exercises["jump_squat"]
    other = kb.exercises["goblet_squat"]
    assert other.dose is not None
    dose, notes = substitute_slot(original, other, SLOT, ["land softly"])
    assert dose == other.dose
    assert notes == []


def test_an_alternative_without_a_dose_keeps_the_slot_dose(kb: KnowledgeBase) -> None:
    original = kb.exercises["lateral_step_down"]
    other = kb.exercises["back_tap_step_down"]
    assert other.dose is None
    dose, notes = substitute_slot(original, other, SLOT, ["Alternative (not a regression)"])
    assert dose is SLOT
    assert notes == []
