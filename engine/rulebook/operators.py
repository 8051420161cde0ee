"""One operator vocabulary for rule conditions, rule-case expectations and invariants.

The **base operators** compare one value with an operand:

========  ==============================================
``eq``    equal (``true`` is not ``1``, ``false`` not ``0``)
``ne``    not equal
``lt``    less than (``lte``: or equal)
``gt``    greater than (``gte``: or equal)
``in``    equal to one of a list
``not_in`` equal to none of a list
========  ==============================================

Each language is this vocabulary, with a documented addition:

- **rule conditions** (:class:`engine.rulebook.spec.Comparison`): the base operators, plus
  ``same_as`` (equal to a field of another fact the rule matched: a join, which only the rule
  engine can evaluate). The compiler translates them to durable_rules tests; the linter
  (:mod:`engine.rulebook.lint`) reasons about the values they leave possible.
- **rule-case expectations** (:mod:`engine.ruletools.cases`) and **invariants**
  (:mod:`engine.ruletools.invariants`) read a JSON document, where a path can lead nowhere and
  values can be lists or text: the base operators plus ``contains`` / ``not_contains`` (a list
  holding the value, or for a list of mappings an item with those fields; a substring of text)
  and ``present``. Invariants also take ``{setting: key}`` operands.

:func:`holds` is the one Python meaning of every operator, shared by rule cases and invariants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final


class _Missing:
    """The value of a path that leads nowhere (not ``None``: null is a value)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(absent)"


MISSING: Final = _Missing()


def same(got: Any, wanted: Any) -> bool:
    """Equal, without letting true stand for 1 (or false for 0)."""
    return bool(got == wanted) and isinstance(got, bool) == isinstance(wanted, bool)


def _ordered(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(got: Any, wanted: Any) -> bool:
        if got is MISSING or got is None:
            return False
        try:
            return test(got, wanted)
        except TypeError:  # text against a number: the comparison does not hold
            return False

    return compare


def contains(container: Any, wanted: Any) -> bool:
    """A list holding ``wanted`` (for mappings: an item with those fields); text: a substring."""
    if isinstance(container, str):
        return isinstance(wanted, str) and wanted in container
    if isinstance(container, list):
        for item in container:
            if isinstance(wanted, dict) and isinstance(item, dict):
                if all(same(item.get(key), value) for key, value in wanted.items()):
                    return True
            elif same(item, wanted):
                return True
    return False


BASE_OPERATORS: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "eq": lambda got, wanted: got is not MISSING and same(got, wanted),
    "ne": lambda got, wanted: not same(got, wanted),
    "lt": _ordered(lambda got, wanted: got < wanted),
    "lte": _ordered(lambda got, wanted: got <= wanted),
    "gt": _ordered(lambda got, wanted: got > wanted),
    "gte": _ordered(lambda got, wanted: got >= wanted),
    "in": lambda got, wanted: got is not MISSING and any(same(got, o) for o in wanted),
    "not_in": lambda got, wanted: not any(same(got, option) for option in wanted),
}
# The operators that order numbers (they need a number field and a number operand).
ORDER_OPERATORS: Final = ("lt", "lte", "gt", "gte")
# Rule conditions only: equal to a field of another matched fact (compiled, never tested here).
JOIN_OPERATOR: Final = "same_as"
CONDITION_OPERATORS: Final = (*BASE_OPERATORS, JOIN_OPERATOR)

DOCUMENT_OPERATORS: Final[dict[str, Callable[[Any, Any], bool]]] = {
    **BASE_OPERATORS,
    "contains": contains,
    "not_contains": lambda got, wanted: not contains(got, wanted),
    "present": lambda got, wanted: (got is not MISSING and got is not None) == bool(wanted),
}
EXPECTATION_OPERATORS: Final = tuple(DOCUMENT_OPERATORS)


def holds(op: str, got: Any, wanted: Any) -> bool:
    """Whether ``got`` (:data:`MISSING` for a path that leads nowhere) passes ``op wanted``."""
    try:
        test = DOCUMENT_OPERATORS[op]
    except KeyError:
        raise ValueError(f"unknown operator {op!r}") from None
    return test(got, wanted)


def given_operators(model: object, names: Iterable[str]) -> dict[str, Any]:
    """The operators a comparison model was given, by their names in the vocabulary, in its
    order. ``in`` is a Python keyword, so its field is ``in_``."""
    values = {name: getattr(model, "in_" if name == "in" else name) for name in names}
    return {name: value for name, value in values.items() if value is not None}
