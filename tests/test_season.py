"""Season scenarios (rules/seasons/): sequences of days through the engine, and their checks."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.contract.models import RationaleEntry
from engine.evaluation.evaluators import get_evaluator
from engine.ruletools.season.properties import every_firing_leaves_a_mark, includes_on_the_card
from engine.ruletools.season.scenarios import (
    LoadedSeason,
    SeasonScenario,
    load_seasons,
    run_season,
)
from engine.ruletools.season.simulate import DayScript, Rating, SeasonDay, simulate

_EVALUATOR = get_evaluator()
_SEASONS = load_seasons(_EVALUATOR.ruleset.root)


@pytest.mark.parametrize("loaded", _SEASONS, ids=[season.name for season in _SEASONS])
def test_season_scenario(loaded: LoadedSeason) -> None:
    outcome = run_season(_EVALUATOR, loaded)
    assert outcome.passed, f"{loaded.file}\n" + "\n".join(outcome.failures)


def test_a_season_expectation_can_fail() -> None:
    loaded = next(season for season in _SEASONS if season.name == "four_programs_share_the_weeks")
    data = loaded.scenario.model_dump(by_alias=True, exclude_none=True)
    data["expect"] = [{"program_turns": {"within_days": 6}}]
    tight = LoadedSeason(loaded.name, SeasonScenario.model_validate(data), loaded.file)
    outcome = run_season(_EVALUATOR, tight)
    assert not outcome.passed
    assert any("is not the day's program" in line for line in outcome.failures)


def test_the_athlete_logs_what_was_recommended_and_ladders_move() -> None:
    base = _EVALUATOR.ruleset.base_request["athlete"]
    athlete = {
        **base,
        "programs": [{"id": "kettlebell_pull"}],
        "ladders": {
            "pistol_squat": {"stage": "narrow_stance_squat", "since": dt.date(2026, 10, 1)}
        },
    }
    checkin = {
        "recovery_pct": 90,
        "slept_well": True,
        "soreness": 2,
        "life_stress": 3,
        "planned": "strength",
    }
    scripts = [DayScript(checkin, Rating(True, True, True)) for _ in range(5)]
    days = simulate(_EVALUATOR, athlete, dt.date(2026, 11, 2), scripts)
    assert all(
        day.logged is not None and day.logged.kind == day.recommendation.session.kind
        for day in days
    )
    # Two clean, easy practices of stage 1 after 4 weeks on it: the ladder advances, and the
    # next day's request starts from the new stage.
    advanced = [
        day for day in days if any(p.action == "advance" for p in day.recommendation.progressions)
    ]
    assert advanced
    later = days[advanced[0].number]  # the day after the advance
    assert later.request.athlete.ladders["pistol_squat"].stage == "isometric_pistol"


def test_a_trace_that_hides_a_dropped_include_breaks_the_card_invariant() -> None:
    """INV25 over a low-recovery day: RS707's practice cannot join the mobility session, the
    card says "Not today" and so does the trace beside RS707. Take the trace's line away and
    the invariant reports it; take the card's note away too and it reports that."""
    base = _EVALUATOR.ruleset.base_request["athlete"]
    checkin = {"recovery_pct": 40, "slept_well": True, "soreness": 2, "life_stress": 3}
    days = simulate(_EVALUATOR, base, dt.date(2026, 11, 18), [DayScript(checkin)])
    settings = _EVALUATOR.ruleset.engine_settings
    rec = days[0].recommendation
    assert rec.session.kind == "mobility"
    entry = next(item for item in rec.rationale if item.rule == "RS707")
    assert entry.not_on_card == ["pistol_squat on a mobility day"]
    assert includes_on_the_card(days, _EVALUATOR.kb, settings) == []

    def with_changes(**session_changes: object) -> list[SeasonDay]:
        rationale = [
            item.model_copy(update={"not_on_card": []}) if item.rule == "RS707" else item
            for item in rec.rationale
        ]
        changed = rec.model_copy(
            update={
                "rationale": rationale,
                "session": rec.session.model_copy(update=session_changes),
            }
        )
        return [SeasonDay(1, days[0].request, changed, days[0].logged)]

    hidden = includes_on_the_card(with_changes(), _EVALUATOR.kb, settings)
    assert hidden and "RS707's trace does not say it is not done" in hidden[0]
    gone = includes_on_the_card(with_changes(notes=[]), _EVALUATOR.kb, settings)
    assert gone and "is not on the card" in gone[0]


def test_a_firing_that_changed_nothing_breaks_the_trace_invariant() -> None:
    """INV27: every trace line must be a proposal, a constraint, a decision, work or a dose on
    the card, or say beside the rule that it is not on today's card."""
    base = _EVALUATOR.ruleset.base_request["athlete"]
    checkin = {"recovery_pct": 40, "slept_well": True, "soreness": 2, "life_stress": 3}
    days = simulate(_EVALUATOR, base, dt.date(2026, 11, 18), [DayScript(checkin)])
    settings = _EVALUATOR.ruleset.engine_settings
    assert every_firing_leaves_a_mark(days, _EVALUATOR.kb, settings) == []
    rec = days[0].recommendation
    constraint = rec.constraints[0]
    concluded = f"constraint(kind={constraint.kind})"

    def with_entry(**fields: object) -> list[SeasonDay]:
        entry = RationaleEntry.model_validate(
            {"rule": "RS999", "summary": "a rule", "sources": ["x"], **fields}
        )
        changed = rec.model_copy(update={"rationale": [*rec.rationale, entry]})
        return [SeasonDay(1, days[0].request, changed, days[0].logged)]

    silent = every_firing_leaves_a_mark(with_entry(concluded=[concluded]), _EVALUATOR.kb, settings)
    assert silent == [f"day 1 (2026-11-18, Wed): RS999 {concluded} changed nothing"]
    empty = every_firing_leaves_a_mark(with_entry(concluded=[]), _EVALUATOR.kb, settings)
    assert empty and "RS999 fired and concluded nothing" in empty[0]
    # A repeat of the first rule's conclusion is that rule's mark; so is a line the trace
    # itself says is not on the card.
    repeat = f"{concluded} (already concluded by {constraint.rule})"
    assert every_firing_leaves_a_mark(with_entry(concluded=[repeat]), _EVALUATOR.kb, settings) == []
    said = with_entry(concluded=[concluded], not_on_card=["not today"])
    assert every_firing_leaves_a_mark(said, _EVALUATOR.kb, settings) == []
