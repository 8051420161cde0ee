"""One operator vocabulary and one path language for rule conditions, cases and invariants."""

from __future__ import annotations

import pytest

from engine.rulebook.operators import (
    BASE_OPERATORS,
    CONDITION_OPERATORS,
    EXPECTATION_OPERATORS,
    MISSING,
    holds,
)
from engine.rulebook.spec import Comparison
from engine.ruletools.cases import check
from engine.ruletools.invariants.spec import Expectation
from engine.ruletools.paths import resolve


def _field_names(model: type) -> set[str]:
    return {info.alias or name for name, info in model.model_fields.items()}  # type: ignore[attr-defined]


def test_rule_conditions_declare_the_base_vocabulary_and_the_join() -> None:
    assert _field_names(Comparison) == set(CONDITION_OPERATORS)
    assert set(BASE_OPERATORS) < set(CONDITION_OPERATORS)


def test_invariant_expectations_declare_the_document_vocabulary() -> None:
    assert _field_names(Expectation) == set(EXPECTATION_OPERATORS)
    assert set(BASE_OPERATORS) < set(EXPECTATION_OPERATORS)


def test_operators_are_read_in_vocabulary_order() -> None:
    parsed = Comparison.model_validate({"gte": 3, "in": [1, 2], "eq": 1})
    assert list(parsed.operators()) == ["eq", "gte", "in"]


@pytest.mark.parametrize(
    ("op", "got", "wanted", "expected"),
    [
        ("eq", 3, 3, True),
        ("eq", True, 1, False),  # true is not 1
        ("eq", MISSING, None, False),  # a missing value is not null
        ("eq", None, None, True),
        ("ne", MISSING, 3, True),
        ("lt", None, 3, False),
        ("lt", "a", 3, False),  # text against a number does not hold
        ("gte", 3, 3, True),
        ("in", 2, [1, 2], True),
        ("in", True, [1], False),
        ("not_in", MISSING, [1], True),
        ("contains", [{"code": "a", "x": 1}], {"code": "a"}, True),
        ("contains", "posture lost", "lost", True),
        ("not_contains", MISSING, "x", True),
        ("present", MISSING, False, True),
        ("present", None, True, False),
    ],
)
def test_one_meaning_per_operator(op: str, got: object, wanted: object, expected: bool) -> None:
    assert holds(op, got, wanted) is expected


def test_unknown_operator_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown operator 'like'"):
        holds("like", 1, 1)


def test_rule_cases_accept_in_and_not_in_like_invariants() -> None:
    document = {"session": {"kind": "easy_run"}}
    assert check(document, {"session.kind": {"in": ["easy_run", "rest"]}}) == []
    assert check(document, {"session.kind": {"not_in": ["easy_run"]}}) == [
        "session.kind: expected not_in ['easy_run'], got 'easy_run'"
    ]


def test_one_path_language() -> None:
    document = {"items": [{"id": "a.b", "n": 1}, {"id": "c", "n": 2}], "x": {"y": 3}}
    assert resolve(document, "items[id=a.b].n") == 1  # a dot inside brackets is the selector's
    assert resolve(document, "items[1].n") == 2
    assert resolve(document, "x.y") == 3
    assert resolve(document, "x.z") is MISSING
    assert resolve(document, "items[9]") is MISSING
    with pytest.raises(ValueError, match="bad path segment"):
        resolve(document, "x..y")
