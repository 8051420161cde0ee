"""Compile rule specs into a durable_rules JSON ruleset.

Each rule becomes one durable_rules rule whose action is named after the rule id; the action
itself is generic (see :mod:`engine.core.runtime`): it records the firing and asserts the rule's
conclusions as new facts. Settings are resolved here, so a compiled ruleset is fixed for one
version of the rules.

Firing order: durable_rules fires the lowest ``pri`` first and leaves ties unordered, so each
rule gets its own ``pri``, its rank in (priority, id) order. The same request therefore always
fires the same rules in the same order.

What durable_rules sees of a fact: only its ``id``, ``type`` and ``sid`` and the fields some
rule's conditions test (:attr:`CompiledRuleSet.match_fields`); facts of a type no rule matches
are not asserted at all. durable_rules ships every matched fact back to Python as JSON with
each action, so the smaller the facts, the less JSON per action; the runtime looks the whole
fact up by its id on our side.
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
# Activations one action takes at most, for rules whose conclusions no rule matches.
BATCH_CAP = 1000


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
    # Fact type -> the fields some rule's conditions test (including the other side of a
    # ``same_as``). A fact goes to durable_rules with only these fields besides id, type and
    # sid; a type that is not a key here is matched by no rule and is not asserted. ``None``:
    # send every fact whole.
    match_fields: dict[str, frozenset[str]] | None = None


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


_NEGATED = {"$lt": "$gte", "$lte": "$gt", "$gt": "$lte", "$gte": "$lt"}


def _negated(test: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Tests that hold exactly when ``test`` does not (all of them), or ``None`` if that
    cannot be written without an OR. Fact fields are never missing, so ``$neq`` is exact."""
    ((key, value),) = test.items()
    if key == "$neq":
        return [value]
    if key in _NEGATED:
        return [{_NEGATED[key]: value}]
    if key == "$or":
        negated = [_negated(item) for item in value]
        if any(item is None or len(item) != 1 for item in negated):
            return None
        return [item[0] for item in negated if item is not None]
    if key.startswith("$") or isinstance(value, dict):
        return None  # $and, or a same_as join
    return [{"$neq": {key: value}}]


def _any_of(groups: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """An OR of condition groups whose branches exclude each other where that can be written.

    durable_rules activates a rule once per OR branch that holds, so two branches holding for
    the same facts cost one more action (the runtime drops the repeat). Branch k is therefore
    compiled as "group k and none of the groups before it" when each earlier group is one test
    with an exact negation; the facts matched are the same."""
    if len(groups) == 1:
        return _and(groups[0])
    exclusive: list[dict[str, Any]] = []
    earlier: list[dict[str, Any]] = []
    for number, group in enumerate(groups):
        exclusive.append(_and([*group, *earlier]))
        if number == len(groups) - 1:
            break
        negated = _negated(group[0]) if len(group) == 1 else None
        if negated is None:
            return {"$or": [_and(group) for group in groups]}
        earlier.extend(negated)
    return {"$or": exclusive}


def compile_rule(
    rule: RuleSpec, pri: int, settings: dict[str, Any]
) -> tuple[dict[str, Any], CompiledRule]:
    patterns: list[dict[str, Any]] = []
    read_fields: dict[str, tuple[str, ...]] = {}
    for pattern in rule.when:
        tests = [{"type": pattern.fact}, *_conditions(pattern.where, settings)]
        if pattern.any_of:
            tests.append(_any_of([_conditions(group, settings) for group in pattern.any_of]))
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


def _walk_tests(test: dict[str, Any], alias_types: dict[str, str], out: dict[str, set[str]]) -> str:
    """Note the fields one compiled test reads (by fact type); return the type it tests for."""
    fact_type = ""
    for key, value in test.items():
        if key in ("$and", "$or"):
            for item in value:
                fact_type = _walk_tests(item, alias_types, out) or fact_type
        elif key.startswith("$"):  # {"$lt": {field: operand}} and the like
            fact_type = _walk_tests(value, alias_types, out) or fact_type
        elif key == "type":
            fact_type = str(value)
        else:
            out.setdefault("", set()).add(key)
            if isinstance(value, dict):  # same_as: {field: {alias: other_field}}
                ((alias, other),) = value.items()
                out.setdefault(f"@{alias}", set()).add(other)
    return fact_type


def tested_fields(definitions: dict[str, Any]) -> dict[str, frozenset[str]]:
    """Fact type -> the fields the compiled rules test (:attr:`CompiledRuleSet.match_fields`)."""
    fields: dict[str, set[str]] = {}
    for rule in definitions.values():
        patterns: list[tuple[str, str, dict[str, set[str]]]] = []
        alias_types: dict[str, str] = {}
        for pattern in rule["all"]:
            ((alias, test),) = pattern.items()
            reads: dict[str, set[str]] = {}
            fact_type = _walk_tests(test, alias_types, reads)
            alias_types[alias] = fact_type
            patterns.append((alias, fact_type, reads))
        for _, fact_type, reads in patterns:
            fields.setdefault(fact_type, set()).update(reads.get("", ()))
            for key, names in reads.items():
                if key.startswith("@"):
                    fields.setdefault(alias_types[key[1:]], set()).update(names)
    return {key: frozenset(value) for key, value in fields.items()}


def compile_ruleset(ruleset: RuleSet) -> CompiledRuleSet:
    definitions: dict[str, Any] = {}
    compiled: dict[str, CompiledRule] = {}
    for loaded in ruleset.rules:
        definition, rule = compile_rule(loaded.spec, loaded.rank, ruleset.settings)
        definitions[loaded.spec.id] = definition
        compiled[loaded.spec.id] = rule
    # A no-op rule that matches the sentinel fact every evaluation asserts, fired last:
    # delete_state crashes the process for a session in which no action has fired, and the
    # runtime checks that this action ran (the whole chain before it completed). It matches
    # only the sentinel, so its action carries one tiny fact, not every fact of the session.
    definitions[SENTINEL_RULE] = {
        "all": [{"m": {"type": SENTINEL_TYPE}}],
        "pri": SENTINEL_PRI,
        "run": NOOP_ACTION,
    }
    chained = frozenset(
        pattern.fact for loaded in ruleset.rules for pattern in loaded.spec.when
    ) & frozenset(CONCLUSION_FACTS)
    for rule_id, rule in compiled.items():
        if not {item.fact_type for item in rule.conclusions} & chained:
            # Nothing this rule concludes goes back into durable_rules, so firing all of its
            # pending activations in one action gives the same firings in the same order as
            # one action each (nothing can be activated between them), with fewer actions.
            definitions[rule_id]["cap"] = BATCH_CAP
    return CompiledRuleSet(
        version=ruleset.version,
        definitions={RULESET_NAME: definitions},
        rules=compiled,
        chained_types=chained,
        match_fields=tested_fields(definitions),
    )
