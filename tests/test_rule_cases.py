"""Every rule case and scenario in rules/ as its own pytest test (id: <rule>::<case>).

The same runner backs ``runstrong rules test``; this file only turns its outcomes into tests
and checks that every rule is documented and has cases that show it firing and staying quiet.
"""

from __future__ import annotations

import pytest

from engine.evaluation.evaluators import get_evaluator
from engine.ruletools.cases import run_case, run_scenario

_EVALUATOR = get_evaluator()
_RULESET = _EVALUATOR.ruleset


@pytest.mark.parametrize(
    "loaded",
    _RULESET.cases,
    ids=[f"{case.rule}::{case.name}" for case in _RULESET.cases],
)
def test_rule_case(loaded) -> None:
    outcome = run_case(_EVALUATOR, loaded.rule, loaded.name, loaded.case, loaded.file)
    assert outcome.passed, f"{loaded.file}:{loaded.line}\n" + "\n".join(outcome.failures)


@pytest.mark.parametrize(
    "scenario",
    _RULESET.scenarios,
    ids=[scenario.name for scenario in _RULESET.scenarios],
)
def test_scenario(scenario) -> None:
    outcome = run_scenario(_EVALUATOR, scenario.name, scenario.scenario, scenario.file)
    assert outcome.passed, f"{scenario.file}\n" + "\n".join(outcome.failures)


@pytest.mark.parametrize("loaded", _RULESET.rules, ids=[rule.spec.id for rule in _RULESET.rules])
def test_rule_is_documented_and_has_both_kinds_of_case(loaded) -> None:
    spec = loaded.spec
    assert spec.summary.strip() and spec.why.strip(), f"{spec.id} lacks a summary or reason"
    assert spec.sources, f"{spec.id} has no sources"
    cases = [case for case in _RULESET.cases if case.rule == spec.id]
    assert any(case.case.fires for case in cases), f"{spec.id} has no case where it fires"
    assert any(not case.case.fires for case in cases), f"{spec.id} has no case where it stays quiet"


def test_there_are_scenarios() -> None:
    assert len(_RULESET.scenarios) >= 10
