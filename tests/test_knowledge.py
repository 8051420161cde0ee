"""The knowledge base: complete against the catalogue, sourced, and cross-checked."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.contract.errors import InputError
from engine.knowledge.base import KnowledgeBase, load_knowledge_base

from .conftest import SEEDS

# Catalogue section A: every exercise the articles prescribe or name as a regression or
# progression, by the id runstrong gives it.
CATALOGUE_EXERCISES = {
    # A.1 (D0, heavy lifting week 3) and the week-1/2 variations it names
    "single_kettlebell_front_rack_squat",
    "deficit_reverse_lunge",
    "reverse_lunge",
    "single_racked_banded_knee_drive",
    "staggered_stance_kettlebell_deadlift",
    "double_kettlebell_front_rack_carry",
    "double_kettlebell_swing",
    "push_up_with_alternating_rows",
    "kettlebell_swing",
    # A.2 (D1, 20-minute routine) and its regressions (B5)
    "standing_figure_8",
    "dynamic_pigeon",
    "high_plank_calf_rock",
    "kneeling_calf_rock",
    "plantarflexion_walk",
    "b_squat",
    "goblet_squat",
    "lateral_step_down",
    "back_tap_step_down",
    "front_foot_elevated_split_squat",
    "split_squat",
    "forward_backward_pogo",
    "forward_backward_toe_walk",
    "unilateral_alternating_kettlebell_swing",
    "kettlebell_deadlift",
    "standing_hamstring_stretch",
    "supine_figure_4_stretch",
    # A.3 (D2): hip flexion, pistol ladder, pause work, squat depth, trunk trio
    "band_hurdle_hold",
    "side_plank_hip_flexion",
    "banded_mountain_climber",
    "hanging_hip_flexion",
    "narrow_stance_squat",
    "isometric_pistol",
    "eccentric_pistol",
    "toe_grab_pistol",
    "pause_split_squat",
    "barbell_back_squat",
    "half_kneeling_chop",
    "half_kneeling_lift",
    "half_kneeling_belly_press",
    # A.4 (D3) and A.5 (D4)
    "runner_deadlift",
    "alternating_single_arm_bent_over_row",
    "bent_over_row_to_march",
}

# Section B: ladders and sequences, and the entity that carries each.
CATALOGUE_LADDERS = {
    "B1": ("ladder", "pistol_squat"),
    "B2": ("ladder", "hip_flexion"),
    "B3": ("ladder", "kettlebell_swing"),
    "B4": ("program", "heavy_lifting_for_runners"),
    "B6": ("program", "squat_depth"),
    "B7": ("program", "pause_training"),
    "B8": ("program", "runner_deadlift"),
    "B9": ("program", "trunk_stability"),
    "B10": ("program", "kettlebell_pull"),
}

# B5: the routine's main exercise -> its regression or alternative.
CATALOGUE_REGRESSIONS = [
    ("b_squat", "regressions", "goblet_squat"),
    ("front_foot_elevated_split_squat", "regressions", "split_squat"),
    ("forward_backward_pogo", "regressions", "forward_backward_toe_walk"),
    ("unilateral_alternating_kettlebell_swing", "regressions", "kettlebell_swing"),
    ("high_plank_calf_rock", "regressions", "kneeling_calf_rock"),
    ("lateral_step_down", "alternatives", "back_tap_step_down"),
    ("double_kettlebell_swing", "regressions", "kettlebell_swing"),
    ("deficit_reverse_lunge", "regressions", "reverse_lunge"),
]

FIXED_PROGRAMS = {
    "heavy_lifting_for_runners",
    "lower_body_routine",
    "kettlebell_pull",
    "trunk_stability",
    "squat_depth",
    "pause_training",
    "runner_deadlift",
}

FIXED_LADDERS = {
    "pistol_squat": [
        "narrow_stance_squat",
        "isometric_pistol",
        "eccentric_pistol",
        "toe_grab_pistol",
    ],
    "hip_flexion": [
        "band_hurdle_hold",
        "side_plank_hip_flexion",
        "banded_mountain_climber",
        "hanging_hip_flexion",
    ],
    "kettlebell_swing": [
        "kettlebell_deadlift",
        "kettlebell_swing",
        "unilateral_alternating_kettlebell_swing",
    ],
}


def test_every_catalogue_exercise_is_present(kb: KnowledgeBase) -> None:
    assert CATALOGUE_EXERCISES - set(kb.exercises) == set()


@pytest.mark.parametrize("section", sorted(CATALOGUE_LADDERS))
def test_every_catalogue_ladder_and_sequence_is_present(kb: KnowledgeBase, section: str) -> None:
    kind, entity_id = CATALOGUE_LADDERS[section]
    table = kb.ladders if kind == "ladder" else kb.programs
    assert entity_id in table, f"{section} should be carried by {kind} {entity_id}"


@pytest.mark.parametrize(("main", "relation", "other"), CATALOGUE_REGRESSIONS)
def test_routine_regressions_are_linked(
    kb: KnowledgeBase, main: str, relation: str, other: str
) -> None:
    assert other in getattr(kb.exercises[main], relation)


def test_fixed_programs_and_ladders(kb: KnowledgeBase) -> None:
    assert set(kb.programs) >= FIXED_PROGRAMS
    for ladder_id, stages in FIXED_LADDERS.items():
        assert [stage.exercise for stage in kb.ladders[ladder_id].stages] == stages
    assert kb.ladders["kettlebell_swing"].alternative_final == ["double_kettlebell_swing"]


def test_heavy_lifting_week_three_structure(kb: KnowledgeBase) -> None:
    week3 = kb.programs["heavy_lifting_for_runners"].variant("week_3")
    main = [block for block in week3.blocks if block.role == "main"]
    assert [len(block.exercises) for block in main] == [3, 2, 2]  # tri-set, two dual-sets
    for block in main:
        assert block.rounds == 3
        assert block.rest_between_exercises_s == [0, 30]
        assert block.rest_between_rounds_s == [30, 90]
    loads = {entry.exercise: entry.dose.load_pct_1rm for block in main for entry in block.exercises}
    assert loads["single_kettlebell_front_rack_squat"] == 70
    assert loads["double_kettlebell_swing"] == [50, 70]


def test_pistol_ladder_doses_and_gates(kb: KnowledgeBase) -> None:
    stages = kb.ladders["pistol_squat"].stages
    assert [stage.frequency.min_per_week for stage in stages if stage.frequency] == [2, 2, 2, 3]
    assert stages[2].weeks.min_is_binding is True  # "at least 3-4 weeks"
    assert stages[3].weeks.open_ended is True
    assert stages[0].dose.sets == 3 and stages[2].dose.sets == 4


def test_five_documents_with_title_author_and_file(kb: KnowledgeBase) -> None:
    assert sorted(kb.documents) == ["d0", "d1", "d2", "d3", "d4"]
    for document in kb.documents.values():
        assert document.title and document.file.endswith(".txt")
    assert kb.documents["d2"].author == "Ashleigh Kast"


def test_every_fact_cites_one_of_the_five_documents(kb: KnowledgeBase) -> None:
    assert kb.facts
    for record in kb.facts.values():
        assert record.document.id in {"d0", "d1", "d2", "d3", "d4"}
        assert 1 <= record.fact.lines.start <= record.fact.lines.end <= record.document.line_count


def test_line_counts_match_the_seed_files(kb: KnowledgeBase) -> None:
    if not SEEDS.is_dir():
        pytest.skip("the shared seed articles are not beside this checkout")
    for document in kb.documents.values():
        text = (SEEDS / document.file).read_text(encoding="utf-8")
        assert len(text.splitlines()) == document.line_count, document.file


def test_defaults_are_marked_and_used(kb: KnowledgeBase) -> None:
    assert all(default_id.startswith("default_") for default_id in kb.defaults)
    assert kb.is_default("default_daily_readiness_gate")
    assert "runstrong default" in kb.describe_source("default_daily_readiness_gate")


# --- the validator catches each kind of broken file, naming file and field ---------------------


def _write(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _problems(root: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_knowledge_base(root)
    return str(caught.value)


def test_duplicate_exercise_id(kb_copy: Path) -> None:
    data = yaml.safe_load((kb_copy / "exercises" / "goblet_squat.yaml").read_text())
    _write(kb_copy / "exercises" / "goblet_squat_copy.yaml", data)
    message = _problems(kb_copy)
    assert "knowledge_base/exercises/goblet_squat_copy.yaml" in message
    assert "does not match the file name" in message


def test_duplicate_fact_id(kb_copy: Path) -> None:
    path = kb_copy / "sources" / "facts" / "d2_hiit.yaml"
    data = yaml.safe_load(path.read_text())
    data["facts"].append(dict(data["facts"][0]))
    _write(path, data)
    assert "duplicate fact id" in _problems(kb_copy)


def test_dangling_exercise_reference_in_ladder(kb_copy: Path) -> None:
    path = kb_copy / "ladders" / "pistol_squat.yaml"
    text = path.read_text().replace("exercise: eccentric_pistol", "exercise: eccentric_pistl")
    path.write_text(text)
    message = _problems(kb_copy)
    assert "knowledge_base/ladders/pistol_squat.yaml:" in message
    assert "stages[2].exercise" in message and "unknown exercise 'eccentric_pistl'" in message


def test_unknown_equipment_and_source(kb_copy: Path) -> None:
    path = kb_copy / "exercises" / "runner_deadlift.yaml"
    data = yaml.safe_load(path.read_text())
    data["equipment"] = [["hover_board"]]
    data["sources"] = ["d3_made_up_fact"]
    _write(path, data)
    message = _problems(kb_copy)
    assert "unknown equipment 'hover_board'" in message
    assert "unknown source 'd3_made_up_fact'" in message


def test_ladder_stages_out_of_order(kb_copy: Path) -> None:
    path = kb_copy / "ladders" / "hip_flexion.yaml"
    data = yaml.safe_load(path.read_text())
    data["stages"][0]["number"], data["stages"][1]["number"] = 2, 1
    _write(path, data)
    assert "numbered 1, 2, 3" in _problems(kb_copy)


def test_schema_error_names_file_line_and_field(kb_copy: Path) -> None:
    path = kb_copy / "exercises" / "goblet_squat.yaml"
    path.write_text(path.read_text().replace("region: lower", "region: sideways"))
    message = _problems(kb_copy)
    assert "knowledge_base/exercises/goblet_squat.yaml:" in message and "region" in message


def test_fact_past_end_of_document(kb_copy: Path) -> None:
    path = kb_copy / "sources" / "facts" / "d4_pull_workout.yaml"
    data = yaml.safe_load(path.read_text())
    data["facts"][0]["lines"] = {"start": 1, "end": 500}
    _write(path, data)
    assert "past the end of 004_e279e97b76b5ec86.txt" in _problems(kb_copy)


def test_duplicate_yaml_key_is_refused(kb_copy: Path) -> None:
    path = kb_copy / "equipment.yaml"
    path.write_text("equipment: []\nequipment: []\n")
    assert "duplicate key 'equipment'" in _problems(kb_copy)
