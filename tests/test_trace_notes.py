"""The trace's "not on today's card" notes belong to the firing they are about."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from engine.app.demo import DEMO_ATHLETE_ID, create_demo
from engine.evaluation.evaluators import get_evaluator
from engine.storage.store import Store

# A Monday: the demo athlete planned a rest day, so none of the program's exercises is on the
# card while the load rules still decide a load for each of them (one firing per exercise).
REST_DAY = dt.date(2026, 12, 7)


def test_each_firing_of_a_rule_notes_only_what_it_concluded(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'demo.db'}", create=True)
    create_demo(store, get_evaluator(), REST_DAY)
    stored = store.recommendation_for(DEMO_ATHLETE_ID, REST_DAY)
    assert stored is not None
    recommendation = stored.recommendation
    assert recommendation.session.kind == "rest"
    per_exercise = [
        entry
        for entry in recommendation.rationale
        if "exercise" in entry.matched and entry.not_on_card
    ]
    # More than one firing of the same rule, each about another exercise.
    rules = [entry.rule for entry in per_exercise]
    assert len(rules) > len(set(rules))
    for entry in per_exercise:
        exercise = entry.matched["exercise"]["exercise"]
        assert entry.not_on_card == [f"{exercise} is not in today's session"], entry
    # Every note names something the firing concluded about.
    for entry in recommendation.rationale:
        for why in entry.not_on_card:
            named = re.split(r"[ :,]", why, maxsplit=1)[0]
            assert any(named in text for text in entry.concluded), (entry.rule, why)
