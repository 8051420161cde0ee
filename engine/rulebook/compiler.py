"""Compile rule specs into a durable_rules JSON ruleset.

Each rule becomes one durable_rules rule whose action is named after the rule id; the action
itself is generic (see :mod:`engine.core.runtime`): it records the firing and asserts the rule's
conclusions as new facts. Settings are resolved here, so a compiled ruleset is fixed for one
version of the rules.

Firing order: durable_rules fires the lowest ``pri`` first and leaves ties unordered, so each
rule gets its own ``pri``, its rank in (priority, id) order. The same request therefore always
fires the same rules in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.rulebook.facts import CONCLUSION_FACTS, coerce_conclusion_value
from engine.rulebook.ruleset import RuleSet
from engine.rulebook.spec import Comparison, Conditions, FieldRef, RuleSpec, SettingRef

RULESET_NAME = "runstrong"
SENTINEL_TYPE = "$sentinel"
SENTINEL_RULE = "$sentinel"
NOOP_ACTION = "$noop"
# durable_rules stores pri as an unsigned 16-bit number; the sentinel fires after every rule.
SENTINEL_PRI = 65000


@dataclass(frozen=True)
class CompiledConclusion:
    fact_type: str
    # Field -> literal value, or ("ref", alias, field) to copy from a matched fact.
    fields: dict[str, Any]


@dataclass(frozen=True)
class CompiledRule:
    id: str
    pri: int
    aliases: tuple[str, ...]
    # Fields each pattern's conditions read, shown in the trace with the values they had.
    read_fields: dict[str, tuple[str, ...]]
    conclusions: tuple[CompiledConclusion, ...]


@dataclass(frozen=True)
class CompiledRuleSet:
    version: str
    definitions: dict[str, Any]
    rules: dict[str, CompiledRule]
    # Conclusion types some rule matches. Conclusions of other types only feed the planner,
    # so they are not asserted into durable_rules at all (each assert costs a round trip).
    chained_types: frozenset[str] = frozenset()


def _operand(value: Any, settings: dict[str, Any]) -> Any:
    if isinstance(value, SettingRef):
        return settings[value.setting]
    return value


def _field_tests(field: str, condition: Any, settings: dict[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(condition, Comparison):
        return [{field: _operand(condition, settings)}]
    tests: list[dict[str, Any]] = []
    for op, operand in condition.operators().items():
        if op == "eq":
            tests.append({field: _operand(operand, settings)})
        elif op == "ne":
            tests.append({"$neq": {field: _operand(operand, settings)}})
        elif op in {"lt", "lte", "gt", "gte"}:
            tests.append({f"${op}": {field: _operand(operand, settings)}})
        elif op == "in":
            options = [{field: _operand(item, settings)} for item in operand]
            tests.append(options[0] if len(options) == 1 else {"$or": options})
        elif op == "not_in":
            tests.extend({"$neq": {field: _operand(item, settings)}} for item in operand)
        elif op == "same_as":
            alias, _, other = operand.partition(".")
            tests.append({field: {alias: other}})
    return tests


def _conditions(conditions: Conditions, settings: dict[str, Any]) -> list[dict[str, Any]]:
    tests: list[dict[str, Any]] = []
    for field, condition in conditions.items():
        tests.extend(_field_tests(field, condition, settings))
    return tests


def _and(tests: list[dict[str, Any]]) -> dict[str, Any]:
    return tests[0] if len(tests) == 1 else {"$and": tests}


def compile_rule(
    rule: RuleSpec, pri: int, settings: dict[str, Any]
) -> tuple[dict[str, Any], CompiledRule]:
    patterns: list[dict[str, Any]] = []
    read_fields: dict[str, tuple[str, ...]] = {}
    for pattern in rule.when:
        tests = [{"type": pattern.fact}, *_conditions(pattern.where, settings)]
        if pattern.any_of:
            groups = [_and(_conditions(group, settings)) for group in pattern.any_of]
            tests.append(groups[0] if len(groups) == 1 else {"$or": groups})
        patterns.append({pattern.name: _and(tests)})
        read = list(pattern.where)
        for group in pattern.any_of:
            read.extend(name for name in group if name not in read)
        read_fields[pattern.name] = tuple(read)

    conclusions: list[CompiledConclusion] = []
    for conclusion in rule.then:
        fields: dict[str, Any] = {}
        for name, value in conclusion.body.items():
            if isinstance(value, FieldRef):
                alias, _, other = value.ref.partition(".")
                fields[name] = ("ref", alias, other)
            else:
                fields[name] = coerce_conclusion_value(
                    conclusion.fact_type, name, _operand(value, settings)
                )
        conclusions.append(CompiledConclusion(conclusion.fact_type, fields))

    definition = {"all": patterns, "pri": pri, "run": rule.id}
    compiled = CompiledRule(
        id=rule.id,
        pri=pri,
        aliases=tuple(pattern.name for pattern in rule.when),
        read_fields=read_fields,
        conclusions=tuple(conclusions),
    )
    return definition, compiled


def compile_ruleset(ruleset: RuleSet) -> CompiledRuleSet:
    definitions: dict[str, Any] = {}
    compiled: dict[str, CompiledRule] = {}
    for loaded in ruleset.rules:
        definition, rule = compile_rule(loaded.spec, loaded.rank, ruleset.settings)
        definitions[loaded.spec.id] = definition
        compiled[loaded.spec.id] = rule
    # A no-op rule that matches every fact, fired last. Two durable_rules traps need it:
    # a batch assert in which any fact matches no rule raises MessageNotHandledException
    # *before* any action runs, and delete_state then crashes the process for a session in
    # which no action has fired. With this rule every fact is handled and an action always runs.
    definitions[SENTINEL_RULE] = {
        "all": [{"m": {"$ex": {"type": 1}}}],
        # One action takes up to this many facts at once, instead of one action per fact.
        "cap": 1000,
        "pri": SENTINEL_PRI,
        "run": NOOP_ACTION,
    }
    chained = frozenset(
        pattern.fact for loaded in ruleset.rules for pattern in loaded.spec.when
    ) & frozenset(CONCLUSION_FACTS)
    return CompiledRuleSet(
        version=ruleset.version,
        definitions={RULESET_NAME: definitions},
        rules=compiled,
        chained_types=chained,
    )
