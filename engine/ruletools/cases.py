"""Run rule cases and scenarios: the engine behind ``runstrong rules test`` and the pytest runner.

A case or scenario gives a request as *changes* to the rule directory's base request
(``fixtures/base_request.yaml``): mappings merge key by key, lists are replaced, and a key
ending in ``+`` appends to the base list (``history+: [...]``).

Expectations are paths into the recommendation (as JSON; the path language of
:mod:`engine.ruletools.paths`) with an expected value, using the operators of
:mod:`engine.rulebook.operators`:

- ``session.kind: easy_run`` — equality;
- ``progressions[ladder=pistol_squat].action: advance`` — ``[key=value]`` picks a list item;
- ``hiit.work_s: {gte: 30}`` — ``eq``, ``ne``, ``lt``, ``lte``, ``gt``, ``gte``, ``in``, ``not_in``;
- ``warnings: {contains: {code: posture_lost}}`` — ``contains`` / ``not_contains`` (for a list
  of mappings, an item with those fields; for text, a substring);
- ``constraints[kind=no_hiit]: {present: true}`` — ``present``;
- ``exercises: {contains: goblet_squat}`` — ``exercises`` lists every exercise id in the session,
  ``fired`` every rule that fired.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from engine.contract.errors import InputError
from engine.contract.models import EvaluationRequest
from engine.core.evaluator import Evaluator
from engine.loading.yamlio import problems_from_validation
from engine.rulebook.operators import EXPECTATION_OPERATORS, holds
from engine.ruletools.paths import resolve


def merge(base: Any, changes: Any) -> Any:
    """Apply ``changes`` to a copy of ``base`` (see the module docstring)."""
    if not isinstance(base, dict) or not isinstance(changes, dict):
        return copy.deepcopy(changes)
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if key.endswith("+"):
            name = key[:-1]
            out[name] = list(out.get(name) or []) + copy.deepcopy(list(value))
        elif key in out and isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def case_request(
    base: dict[str, Any], given: dict[str, Any], evaluator: Evaluator
) -> EvaluationRequest:
    data = merge(base, given)
    try:
        return EvaluationRequest.model_validate(data, context={"kb": evaluator.kb})
    except ValidationError as error:
        raise InputError(problems_from_validation(error, None)) from error


def check(document: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """Every expectation that does not hold, as a readable line."""
    failures: list[str] = []
    for path, wanted in expect.items():
        got = resolve(document, path)
        operators = (
            wanted
            if isinstance(wanted, dict)
            and wanted
            and all(key in EXPECTATION_OPERATORS for key in wanted)
            else {"eq": wanted}
        )
        for op, value in operators.items():
            if not holds(op, got, value):
                failures.append(f"{path}: expected {op} {value!r}, got {got!r}")
    return failures


def document_for(recommendation: Any, fired: list[str]) -> dict[str, Any]:
    """The recommendation as JSON, with the ``exercises`` and ``fired`` views added."""
    document: dict[str, Any] = recommendation.model_dump(mode="json", by_alias=True)
    document["exercises"] = [
        exercise["id"] for block in document["session"]["blocks"] for exercise in block["exercises"]
    ]
    document["fired"] = fired
    return document


@dataclass(frozen=True)
class TestOutcome:
    name: str  # RS101::fires_below_gate or scenario:<name>
    passed: bool
    failures: tuple[str, ...]
    location: str


def run_case(
    evaluator: Evaluator, rule_id: str, name: str, case: Any, location: str
) -> TestOutcome:
    test_name = f"{rule_id}::{name}"
    try:
        request = case_request(evaluator.ruleset.base_request, case.given, evaluator)
    except InputError as error:
        return TestOutcome(test_name, False, (f"bad 'given': {error}",), location)
    bundle, firings = evaluator.fire(request)
    fired = [firing.rule for firing in firings]
    failures: list[str] = []
    if (rule_id in fired) != case.fires:
        verb = "fire" if case.fires else "stay quiet"
        failures.append(f"expected {rule_id} to {verb}; fired: {', '.join(fired) or 'none'}")
    if case.expect:
        document = document_for(evaluator.recommend(request, bundle, firings), fired)
        failures.extend(check(document, case.expect))
    return TestOutcome(test_name, not failures, tuple(failures), location)


def run_scenario(evaluator: Evaluator, name: str, scenario: Any, location: str) -> TestOutcome:
    test_name = f"scenario:{name}"
    try:
        request = case_request(evaluator.ruleset.base_request, scenario.given, evaluator)
    except InputError as error:
        return TestOutcome(test_name, False, (f"bad 'given': {error}",), location)
    bundle, firings = evaluator.fire(request)
    fired = [firing.rule for firing in firings]
    failures = [
        f"expected {rule} to fire; fired: {', '.join(fired)}"
        for rule in scenario.fired
        if rule not in fired
    ]
    failures += [f"expected {rule} to stay quiet" for rule in scenario.not_fired if rule in fired]
    document = document_for(evaluator.recommend(request, bundle, firings), fired)
    failures.extend(check(document, scenario.expect))
    return TestOutcome(test_name, not failures, tuple(failures), location)


def iter_outcomes(evaluator: Evaluator, pattern: str | None = None) -> Iterator[TestOutcome]:
    """Run every case and scenario of the evaluator's rule set (optionally filtered)."""
    ruleset = evaluator.ruleset
    for loaded in ruleset.cases:
        name = f"{loaded.rule}::{loaded.name}"
        if pattern and pattern not in name:
            continue
        yield run_case(
            evaluator, loaded.rule, loaded.name, loaded.case, f"{loaded.file}:{loaded.line}"
        )
    for scenario in ruleset.scenarios:
        name = f"scenario:{scenario.name}"
        if pattern and pattern not in name:
            continue
        yield run_scenario(evaluator, scenario.name, scenario.scenario, scenario.file)


def main(argv: list[str] | None = None) -> int:
    """``python -m engine.ruletools.cases [-k PATTERN] [RULES_DIR]``: run cases and scenarios."""
    import argparse
    from pathlib import Path

    from engine.evaluation.evaluators import get_evaluator

    parser = argparse.ArgumentParser(prog="python -m engine.ruletools.cases")
    parser.add_argument("rules_dir", nargs="?")
    parser.add_argument("-k", dest="pattern")
    args = parser.parse_args(argv)
    evaluator = get_evaluator(Path(args.rules_dir) if args.rules_dir else None)
    passed = failed = 0
    for outcome in iter_outcomes(evaluator, args.pattern):
        if outcome.passed:
            passed += 1
            continue
        failed += 1
        print(f"FAIL {outcome.name} ({outcome.location})")
        for line in outcome.failures:
            print(f"    {line}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
