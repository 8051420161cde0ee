"""History features, computed in plain Python before any rule runs."""

from __future__ import annotations

from engine.core.features import build_facts
from engine.knowledge.base import KnowledgeBase
from engine.rulebook.engine_settings import EngineSettings
from engine.rulebook.ruleset import load_ruleset

# The bundled settings, with the numbers these tests are written for pinned.
SETTINGS = EngineSettings.from_settings(
    {
        **load_ruleset().settings,
        "schedule.session_hour": 12,
        "load.heavy_min_pct": 85.0,
        "ladder.recent_window_days": 21,
        "ladder.sessions_for_gate": 2,
        "ladder.default_min_weeks": 3,
    }
)


def _facts(request, kb: KnowledgeBase) -> dict:
    return build_facts(request, kb, SETTINGS).features()


def test_hiit_in_the_last_7_days_is_a_rolling_window(make_request, kb) -> None:
    request = make_request(
        history=[
            {"date": "2026-11-11", "kind": "hiit"},  # 7 days before: outside
            {"date": "2026-11-12", "kind": "hiit"},  # 6 days before: inside
            {"date": "2026-11-18", "kind": "hiit"},  # today: inside
        ]
    )
    assert _facts(request, kb)["history"]["hiit_last_7_days"] == 2


def test_conditioning_mode_of_the_pull_workout_counts_as_hiit(make_request, kb) -> None:
    request = make_request(
        history=[
            {
                "date": "2026-11-16",
                "kind": "strength",
                "program": "kettlebell_pull",
                "variant": "conditioning",
            },
            {
                "date": "2026-11-17",
                "kind": "strength",
                "program": "kettlebell_pull",
                "variant": "strength",
            },
        ]
    )
    assert _facts(request, kb)["history"]["hiit_last_7_days"] == 1


def test_hours_to_next_quality_run(make_request, kb) -> None:
    request = make_request(
        upcoming=[
            {"date": "2026-11-19T18:00", "kind": "quality_run"},
            {"date": "2026-11-22", "kind": "long_run"},
            {"date": "2026-11-19", "kind": "easy_run"},
        ]
    )
    history = _facts(request, kb)["history"]
    assert history["hours_to_next_quality"] == 30  # noon today -> 18:00 tomorrow
    assert history["next_quality_kind"] == "quality_run"
    assert history["quality_today"] is False


def test_no_upcoming_quality_run_is_far_away(make_request, kb) -> None:
    history = _facts(make_request(upcoming=[]), kb)["history"]
    assert history["hours_to_next_quality"] == 9999 and history["next_quality_kind"] == "none"


def test_program_sessions_this_iso_week(make_request, kb) -> None:
    request = make_request(
        history=[
            {
                "date": "2026-11-15",
                "kind": "strength",
                "program": "heavy_lifting_for_runners",
            },  # Sunday, last week
            {
                "date": "2026-11-16",
                "kind": "strength",
                "program": "heavy_lifting_for_runners",
            },  # Monday
            {"date": "2026-11-17", "kind": "strength", "program": "heavy_lifting_for_runners"},
        ]
    )
    program = _facts(request, kb)["programs"]["heavy_lifting_for_runners"]
    assert program["sessions_this_week"] == 2
    assert program["sessions_last_7_days"] == 3
    assert program["below_minimum"] is False  # the week-3 session needs 2 a week


def test_weeks_on_stage_and_gate_evidence(make_request, kb) -> None:
    request = make_request(
        athlete={"ladders": {"pistol_squat": {"stage": "isometric_pistol", "since": "2026-10-27"}}},
        history=[
            {
                "date": "2026-11-10",
                "kind": "strength",
                "exercises": [
                    {
                        "id": "isometric_pistol",
                        "sets": 3,
                        "reps": 8,
                        "posture_held": True,
                        "felt_easy": False,
                    }
                ],
            },
            {
                "date": "2026-11-13",
                "kind": "strength",
                "exercises": [
                    {
                        "id": "isometric_pistol",
                        "sets": 3,
                        "reps": 8,
                        "posture_held": True,
                        "felt_easy": True,
                    }
                ],
            },
            {
                "date": "2026-11-16",
                "kind": "strength",
                "exercises": [
                    {
                        "id": "isometric_pistol",
                        "sets": 3,
                        "reps": 8,
                        "posture_held": True,
                        "felt_easy": True,
                    }
                ],
            },
        ],
    )
    ladder = _facts(request, kb)["ladders"]["pistol_squat"]
    assert ladder["weeks_on_stage"] == 3 and ladder["min_weeks_met"] is True
    assert ladder["recent_posture_held"] == "yes" and ladder["recent_felt_easy"] == "yes"
    assert ladder["next_stage"] == "eccentric_pistol" and ladder["stage_number"] == 2
    assert ladder["sessions_this_week"] == 1 and ladder["below_weekly_frequency"] is True


def test_a_rounded_spine_anywhere_in_the_window_is_remembered(make_request, kb) -> None:
    request = make_request(
        history=[
            {
                "date": "2026-11-05",
                "kind": "strength",
                "exercises": [
                    {"id": "isometric_pistol", "sets": 3, "reps": 8, "posture_held": False}
                ],
            },
            {
                "date": "2026-11-16",
                "kind": "strength",
                "exercises": [
                    {
                        "id": "isometric_pistol",
                        "sets": 3,
                        "reps": 8,
                        "posture_held": True,
                        "felt_easy": True,
                    }
                ],
            },
        ]
    )
    assert _facts(request, kb)["ladders"]["pistol_squat"]["posture_lost_recently"] is True


def test_consecutive_heavy_weeks_count_back_from_last_week(make_request, kb) -> None:
    heavy = {
        "id": "single_kettlebell_front_rack_squat",
        "sets": 3,
        "reps": 3,
        "load_kg": 26,
    }  # 87% of 30
    light = {"id": "single_kettlebell_front_rack_squat", "sets": 3, "reps": 8, "load_kg": 20}
    request = make_request(
        history=[
            {"date": "2026-10-20", "kind": "strength", "exercises": [heavy]},
            {"date": "2026-10-27", "kind": "strength", "exercises": [light]},
            {"date": "2026-11-03", "kind": "strength", "exercises": [heavy]},
            {"date": "2026-11-10", "kind": "strength", "exercises": [heavy]},
            {"date": "2026-11-16", "kind": "strength", "exercises": [light]},  # this week
        ]
    )
    history = _facts(request, kb)["history"]
    assert history["consecutive_heavy_weeks"] == 2
    assert history["heavy_this_week"] is False


def test_last_hiit_recovery_flags(make_request, kb) -> None:
    request = make_request(
        history=[
            {"date": "2026-11-10", "kind": "hiit", "hr_back_to_normal": False},
            {
                "date": "2026-11-14",
                "kind": "hiit",
                "slept_well_after": False,
                "recovered_between_intervals": True,
            },
        ]
    )
    history = _facts(request, kb)["history"]
    assert history["last_hiit_recovery_failed"] is True
    assert history["hiit_recovery_failures_in_a_row"] == 2
    assert history["last_hiit_slept_well_after"] == "no"
    assert history["last_hiit_hr_back_to_normal"] == "unknown"
    assert history["days_since_last_hiit"] == 4


def test_pain_movement_from_exercise_or_free_text(make_request, kb) -> None:
    request = make_request(
        checkin={
            "pain": [
                {"area": "low_back", "severity": 4, "during": "runner_deadlift"},
                {"area": "knee", "severity": 3, "during": "jump squats at the gym"},
                {"area": "foot", "severity": 2},
            ]
        }
    )
    pains = _facts(request, kb)["pain"]
    assert [(pain["during_movement"], pain["during_known_exercise"]) for pain in pains] == [
        ("hinge", True),
        ("jump", False),
        ("unknown", False),
    ]


def test_program_rotation_ignores_the_order_of_the_profile(make_request, kb) -> None:
    history = [
        {"date": "2026-11-10", "kind": "strength", "program": "squat_depth"},
        {"date": "2026-11-12", "kind": "strength", "program": "kettlebell_pull"},
        {"date": "2026-11-16", "kind": "strength", "program": "pause_training"},
    ]
    ids = ["pause_training", "squat_depth", "kettlebell_pull", "runner_deadlift"]
    ranks = []
    for order in (ids, list(reversed(ids))):
        request = make_request(athlete={"programs": [{"id": i} for i in order]}, history=history)
        facts = build_facts(request, kb, SETTINGS)
        programs = [model for kind, model in facts.facts if kind == "program"]
        assert [fact.program for fact in programs] == sorted(ids)  # id order, not list order
        ranks.append({fact.program: fact.rotation_rank for fact in programs})
    assert ranks[0] == ranks[1]
    # Never done first; then the longest since last done; pause training met its minimum.
    assert ranks[0] == {
        "runner_deadlift": 1,
        "squat_depth": 2,
        "kettlebell_pull": 3,
        "pause_training": 4,
    }


def test_program_practice_weeks_and_clean_rated_sessions(make_request, kb) -> None:
    def log(day: str, easy: bool | None) -> dict:
        item = {"id": "goblet_squat", "sets": 3, "reps": 10}
        if easy is not None:
            item |= {"posture_held": True, "felt_easy": easy}
        return {"date": day, "kind": "strength", "program": "squat_depth", "exercises": [item]}

    request = make_request(
        athlete={"programs": [{"id": "squat_depth"}]},
        history=[log("2026-11-02", False), log("2026-11-09", True), log("2026-11-13", None)],
    )
    fact = _facts(request, kb)["programs"]["squat_depth"]
    assert fact["weeks_practised"] == 2
    # The unrated session is left out: the last two rated ones are one hard, one easy.
    assert fact["recent_rated_sessions"] == 2
    assert fact["recent_clean"] == "no"


def test_a_reloaded_knowledge_base_never_gets_the_old_ones_classifier(evaluator) -> None:
    """The classifier cache is keyed by the base's id; a new base that happens to get a freed
    id must get its own classifier."""
    import copy

    from engine.core import classification as features

    settings = evaluator.ruleset.engine_settings
    kb = copy.copy(evaluator.kb)
    first = features.classifier_for(kb, settings)
    assert features.classifier_for(kb, settings) is first
    other = copy.copy(evaluator.kb)
    # Simulate id reuse: the other base's entry points at the first base.
    part = (
        settings.hiit.count_quality_runs,
        tuple(settings.planning.lower_body_strength_categories),
    )
    features._CLASSIFIERS[(id(other), *part)] = features._CLASSIFIERS[(id(kb), *part)]
    assert features.classifier_for(other, settings) is not first
