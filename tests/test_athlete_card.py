"""The athlete's card: one reason per change from the plan, from the rules' athlete-facing
sentences; loads in kilograms with their basis or by effort, never a bare % of 1RM; load
changes as one plain line; the trace only behind --why."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from engine.app.athlete_card import (
    AthleteCard,
    athlete_card,
    card_words,
    load_change_text,
    load_text,
)
from engine.contract.models import EvaluationRequest, LoadChange, PrescribedExercise
from engine.evaluation.evaluators import get_evaluator
from engine.rulebook.spec import RuleSpec
from engine.views.athlete_card import WHY_HEADER, card_text

BASE = Path(__file__).resolve().parent.parent / "rules" / "fixtures" / "base_request.yaml"


def _card(**changes: Any) -> tuple[AthleteCard, Any]:
    evaluator = get_evaluator()
    data = copy.deepcopy(yaml.safe_load(BASE.read_text()))
    for key, value in changes.items():
        if isinstance(value, dict):
            data[key].update(value)
        else:
            data[key] = value
    request = EvaluationRequest.model_validate(data, context={"kb": evaluator.kb})
    recommendation = evaluator.evaluate(request)
    return athlete_card(recommendation, card_words(evaluator.kb, evaluator.ruleset)), recommendation


def test_heavy_legs_blocked_by_a_long_run_tomorrow_says_so_with_the_hours() -> None:
    card, recommendation = _card(upcoming=[{"date": "2026-11-19", "kind": "long_run"}])
    assert any(alt.outcome == "blocked" for alt in recommendation.alternatives)
    assert card.changes[0] == "No heavy legs today: a long run in 24 hours."


def test_low_recovery_on_a_hiit_day_gives_one_reason_per_change_in_words() -> None:
    card, _ = _card(checkin={"planned": "hiit", "recovery_pct": 70})
    assert card.planned == "HIIT" and card.session != "HIIT"
    assert card.changes and card.changes[0].startswith("No HIIT today")
    assert len(card.changes) == len(set(card.changes))


def test_knee_pain_names_the_swap_and_its_reason_without_ids() -> None:
    card, recommendation = _card(checkin={"pain": [{"area": "knee", "severity": 3}]})
    assert "RS803" in {entry.rule for entry in recommendation.rationale}
    assert "Knee pain: no jumps or lunges today, and squats slow and controlled." in card.changes
    assert card.pain == ["knee 3/10"]
    text = card_text(card)
    assert not re.search(r"\bRS\d+\b|\b[a-z]+(?:_[a-z0-9]+)+\b", text), text


def test_the_first_line_names_the_intensity_only_where_the_title_does_not() -> None:
    rest, _ = _card(checkin={"planned": "rest"})
    strength, _ = _card()
    assert rest.intensity == "rest" and "rest" in rest.title.lower()
    assert card_text(rest).splitlines()[0].endswith(rest.title)
    first = card_text(strength).splitlines()[0]
    assert first.endswith(f"{strength.title} ({strength.intensity})")
    # A word that only contains the intensity does not say it ("Slow flow" is not "low").
    inside = strength.model_copy(update={"title": f"Un{strength.intensity} work"})
    assert card_text(inside).splitlines()[0].endswith(f"({strength.intensity})")


def test_a_plan_kept_has_no_reasons() -> None:
    card, _ = _card()
    assert card.session == "Strength" and card.changes == []


def test_loads_are_kilograms_with_their_basis_or_an_effort_target_never_a_bare_percent() -> None:
    weighed = PrescribedExercise(
        id="goblet_squat",
        name="Goblet squat",
        load_kg=16,
        load_pct_1rm=70,
        load_basis="from 3 x 10 @ 16 kg on 12-03",
    )
    assert load_text(weighed) == "16 kg (from 3 x 10 @ 16 kg on 12-03)"
    by_effort = PrescribedExercise(
        id="goblet_squat",
        name="Goblet squat",
        load_pct_1rm=70,
        effort_target="a weight you could lift 2-3 more times",
    )
    assert load_text(by_effort) == "a weight you could lift 2-3 more times"
    assert (
        load_text(PrescribedExercise(id="goblet_squat", name="Goblet squat", load_pct_1rm=70)) == ""
    )
    card, _ = _card()
    shown = [item for block in card.blocks for item in block.exercises]
    assert shown and not any("%" in item.dose or "1RM" in item.dose for item in shown)


def test_a_load_change_is_one_plain_line() -> None:
    up = LoadChange(
        exercise="goblet_squat",
        name="Goblet squat",
        action="up",
        from_kg=16,
        to_kg=20,
        reason="every set reached 12 reps",
        rule="RS606",
        needs_approval=True,
    )
    assert load_change_text(up) == (
        "Goblet squat: 16 -> 20 kg, every set reached 12 reps (your coach confirms it)"
    )
    held = up.model_copy(update={"action": "hold", "to_kg": 16, "needs_approval": False})
    assert load_change_text(held) == "Goblet squat: stays at 16 kg, every set reached 12 reps"


def test_the_trace_is_below_the_card_only_with_why() -> None:
    card, recommendation = _card(upcoming=[{"date": "2026-11-19", "kind": "long_run"}])
    plain = card_text(card)
    assert "RS501" not in plain and recommendation.rules_version not in plain
    why = card_text(card, recommendation)
    assert why.startswith(plain) and WHY_HEADER in why
    assert "RS501" in why and recommendation.rules_version in why


def _rule(tell: str) -> dict[str, Any]:
    return {
        "id": "RS999",
        "name": "test-rule",
        "summary": "A rule with an athlete-facing sentence.",
        "why": "To test the sentence's placeholders.",
        "sources": ["d2_hiit_cap_per_week"],
        "when": [{"fact": "history", "where": {"hiit_last_7_days": {"gte": 2}}}],
        "then": [{"constrain": {"kind": "no_hiit"}}],
        "tell": tell,
    }


def test_a_tell_placeholder_must_be_a_field_the_rule_reads() -> None:
    assert RuleSpec.model_validate(_rule("No HIIT: {history.hiit_last_7_days} this week."))
    with pytest.raises(ValidationError, match=r"history\.days_since_last_hiit.*not a field"):
        RuleSpec.model_validate(_rule("No HIIT: {history.days_since_last_hiit} days ago."))


def test_the_planned_program_blocked_for_another_of_the_same_kind_is_a_change() -> None:
    programs = [{"id": "heavy_lifting_for_runners", "week": 3}, {"id": "kettlebell_pull"}]
    card, recommendation = _card(
        athlete={"programs": programs}, upcoming=[{"date": "2026-11-19", "kind": "long_run"}]
    )
    assert recommendation.session.program == "kettlebell_pull"
    assert card.session == card.planned == "Strength"
    assert card.changes[0] == "No heavy legs today: a long run in 24 hours."


def test_engine_notes_lose_the_authors_references_and_name_their_ids() -> None:
    namer = card_words(get_evaluator().kb, get_evaluator().ruleset).namer
    assert namer.plain("Not today: pistol_squat on an easy_run day (RS707)") == (
        "Not today: Pistol squat ladder on an easy run day"
    )
    assert namer.plain("Knee-down version (kneeling_calf_rock) if the plank is too hard.") == (
        "Knee-down version (Kneeling calf rock, knee-down) if the plank is too hard."
    )
    assert namer.plain("Done within the 20 s (our reading, catalogue D.1-9).") == (
        "Done within the 20 s."
    )
    assert namer.plain("Lunges out (d2_knee_discomfort_triggers, default_pain_thresholds)") == (
        "Lunges out"
    )
