"""Deeper checks of a rule set than its schema, for ``runstrong rules validate``.

Loading a rule directory (:func:`engine.rulebook.ruleset.load_ruleset`) already refuses schema
errors, unknown fact fields, unknown settings and sources, and duplicate ids. This module adds:

Errors
- a literal that must be a knowledge-base id (a program, ladder, stage, exercise, pattern) and
  is not;
- conditions that can never hold together (``lt: 5`` with ``gt: 10``, ``eq: a`` with ``ne: a``);
- a pattern on a conclusion (``derived``, ``constraint`` ...) that no rule ever concludes, so
  the rule can never fire;
- two rules at the same priority that can fire on the same facts and conclude contradicting
  things (a different progression action for the same ladder, a different dose for the same
  target, a different value for the same derived fact);
- a rule without a case where it fires and a case where it stays quiet.

Warnings
- settings no rule references; rules that name no catalogue rule they carry.

Satisfiability is decided field by field over the literal conditions (intervals for numbers,
sets for words). Conditions that compare with another fact (``same_as``) or copy matched
values (``ref``) are taken as satisfiable: the check never reports a false contradiction.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

from engine.contract.errors import Problem
from engine.contract.models import INTENSITY_ORDER, SESSION_KINDS
from engine.knowledge.base import KnowledgeBase
from engine.knowledge.schema import Pattern as MovementPattern
from engine.rulebook.engine_settings import ENGINE_SETTINGS
from engine.rulebook.facts import FACT_TYPES
from engine.rulebook.ruleset import LoadedRule, RuleSet
from engine.rulebook.spec import Comparison, Conditions, FieldRef, RuleSpec, SettingRef

MOVEMENT_PATTERNS = frozenset(get_args(MovementPattern))
SHARED_FACTS = frozenset({"athlete", "checkin", "history", "ladder"})


@dataclass
class Report:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


# --- a field's possible values -------------------------------------------------------------------


@dataclass
class Domain:
    """The values a field may still take: an interval for numbers, a set for words."""

    low: float = -math.inf
    low_open: bool = False
    high: float = math.inf
    high_open: bool = False
    allowed: set[Any] | None = None  # None: anything
    excluded: set[Any] = field(default_factory=set)

    def restrict(self, op: str, value: Any) -> None:
        if op == "eq":
            self._allow({value})
        elif op == "in":
            self._allow(set(value))
        elif op == "ne":
            self.excluded.add(value)
        elif op == "not_in":
            self.excluded.update(value)
        elif op in {"lt", "lte"}:
            if value < self.high or (value == self.high and op == "lt"):
                self.high, self.high_open = value, op == "lt"
        elif op in {"gt", "gte"} and (value > self.low or (value == self.low and op == "gt")):
            self.low, self.low_open = value, op == "gt"

    def _allow(self, values: set[Any]) -> None:
        self.allowed = values if self.allowed is None else self.allowed & values

    def _in_interval(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return math.isinf(self.low) and math.isinf(self.high)
        above = value > self.low or (value == self.low and not self.low_open)
        below = value < self.high or (value == self.high and not self.high_open)
        return above and below

    def satisfiable(self, integer: bool) -> bool:
        if self.allowed is not None:
            return any(
                value not in self.excluded and self._in_interval(value) for value in self.allowed
            )
        if self.low > self.high:
            return False
        if self.low == self.high:
            return not (self.low_open or self.high_open) and self.low not in self.excluded
        if integer and not (math.isinf(self.low) or math.isinf(self.high)):
            first = math.floor(self.low) + 1 if self.low_open else math.ceil(self.low)
            last = math.ceil(self.high) - 1 if self.high_open else math.floor(self.high)
            if first > last:
                return False
            values = itertools.islice(range(first, last + 1), len(self.excluded) + 1)
            return any(value not in self.excluded for value in values)
        return True


def _operators(condition: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(condition, Comparison):
        yield from condition.operators().items()
    else:
        yield "eq", condition


def _resolve(value: Any, settings: dict[str, Any]) -> Any:
    if isinstance(value, SettingRef):
        return settings[value.setting]
    if isinstance(value, list):
        return [_resolve(item, settings) for item in value]
    return value


def _domains(
    fact_type: str, groups: Iterable[Conditions], settings: dict[str, Any]
) -> dict[str, Domain] | None:
    """Field domains after AND-ing the groups; None if some field has no value left."""
    model = FACT_TYPES[fact_type]
    domains: dict[str, Domain] = {}
    for conditions in groups:
        for name, condition in conditions.items():
            domain = domains.setdefault(name, Domain())
            for op, value in _operators(condition):
                if op != "same_as":
                    domain.restrict(op, _resolve(value, settings))
    for name, domain in domains.items():
        annotation = model.model_fields[name].annotation
        choices = get_args(annotation)
        if annotation is bool:
            domain.restrict("in", [True, False])
        elif choices and all(isinstance(choice, str) for choice in choices):
            domain.restrict("in", list(choices))
        if not domain.satisfiable(integer=annotation is int):
            return None
    return domains


def pattern_options(
    rule: RuleSpec, index: int, settings: dict[str, Any]
) -> list[dict[str, Domain]]:
    """The satisfiable readings of one pattern (one per ``any_of`` group that can hold)."""
    pattern = rule.when[index]
    groups = pattern.any_of or [{}]
    options = []
    for group in groups:
        domains = _domains(pattern.fact, [pattern.where, group], settings)
        if domains is not None:
            options.append(domains)
    return options


def _compatible(a: dict[str, Domain], b: dict[str, Domain], fact_type: str) -> bool:
    """Can one fact satisfy both readings?"""
    model = FACT_TYPES[fact_type]
    for name in set(a) & set(b):
        merged = Domain()
        for domain in (a[name], b[name]):
            if domain.allowed is not None:
                merged.restrict("in", list(domain.allowed))
            merged.excluded |= domain.excluded
            merged.restrict("gte" if not domain.low_open else "gt", domain.low)
            merged.restrict("lte" if not domain.high_open else "lt", domain.high)
        if not merged.satisfiable(integer=model.model_fields[name].annotation is int):
            return False
    return True


# --- the checks -----------------------------------------------------------------------------------


class RuleChecker:
    def __init__(self, ruleset: RuleSet, kb: KnowledgeBase) -> None:
        self.ruleset = ruleset
        self.kb = kb
        self.report = Report()

    def error(self, loaded: LoadedRule, message: str) -> None:
        self.report.errors.append(
            Problem(f"{loaded.spec.id}: {message}", file=loaded.file, line=loaded.line)
        )

    def warn(self, loaded: LoadedRule | None, message: str, file: str | None = None) -> None:
        if loaded is None:
            self.report.warnings.append(Problem(message, file=file))
        else:
            self.report.warnings.append(
                Problem(f"{loaded.spec.id}: {message}", file=loaded.file, line=loaded.line)
            )

    def run(self) -> Report:
        for loaded in self.ruleset.rules:
            self.check_kb_ids(loaded)
            self.check_satisfiable(loaded)
            self.check_reachable(loaded)
            self.check_cases(loaded)
            if not loaded.spec.catalogue:
                self.warn(loaded, "names no catalogue rule it carries")
        self.check_contradictions()
        self.check_unused_settings()
        return self.report

    # Knowledge-base ids in literals.

    def _kb_kind(self, fact_type: str, name: str) -> str | None:
        table = {
            ("program", "program"): "program",
            ("proposal", "program"): "program",
            ("ladder", "ladder"): "ladder",
            ("progression", "ladder"): "ladder",
            ("ladder", "stage"): "exercise",
            ("ladder", "next_stage"): "exercise",
            ("ladder", "previous_stage"): "exercise",
            ("exercise", "exercise"): "exercise",
            ("exercise", "previous_variation"): "exercise",
            ("progression", "from_stage"): "exercise",
            ("progression", "to_stage"): "exercise",
            ("prescription", "target"): "target",
        }
        return table.get((fact_type, name))

    def _id_problem(self, kind: str, value: Any) -> str | None:
        if not isinstance(value, str) or value == "":
            return None
        known: dict[str, Mapping[str, object]] = {
            "program": self.kb.programs,
            "ladder": self.kb.ladders,
            "exercise": self.kb.exercises,
        }
        if kind == "target":
            if value == "hiit" or value in self.kb.exercises or value in self.kb.ladders:
                return None
            program, _, variant = value.partition(".")
            if program in self.kb.programs and (
                not variant or variant in {v.id for v in self.kb.programs[program].variants}
            ):
                return None
            return f"prescription target {value!r} is not an exercise, ladder, program or 'hiit'"
        if value not in known[kind]:
            return f"unknown {kind} {value!r}"
        return None

    def check_kb_ids(self, loaded: LoadedRule) -> None:
        spec = loaded.spec
        for pattern in spec.when:
            for conditions in [pattern.where, *pattern.any_of]:
                for name, condition in conditions.items():
                    kind = self._kb_kind(pattern.fact, name)
                    if kind is None:
                        continue
                    for op, value in _operators(condition):
                        for item in value if isinstance(value, list) else [value]:
                            if op != "same_as" and (problem := self._id_problem(kind, item)):
                                self.error(loaded, f"when {pattern.name}.{name}: {problem}")
        for conclusion in spec.then:
            body = {k: _resolve(v, self.ruleset.settings) for k, v in conclusion.body.items()}
            fact_type = conclusion.fact_type
            for name, value in body.items():
                if isinstance(value, FieldRef):
                    continue
                kind = self._kb_kind(fact_type, name)
                if kind and (problem := self._id_problem(kind, value)):
                    self.error(loaded, f"then {conclusion.verb}.{name}: {problem}")
            if fact_type == "include" and not isinstance(body.get("ref"), FieldRef):
                what = body.get("what")
                if what in {"program", "ladder", "exercise"} and (
                    problem := self._id_problem(str(what), body.get("ref"))
                ):
                    self.error(loaded, f"then include.ref: {problem}")
            if (
                fact_type == "proposal"
                and isinstance(body.get("session"), str)
                and (body["session"] not in SESSION_KINDS)
            ):
                self.error(
                    loaded, f"then propose.session: unknown session kind {body['session']!r}"
                )
            if fact_type == "constraint":
                self._check_constraint_value(loaded, body)

    def _check_constraint_value(self, loaded: LoadedRule, body: dict[str, Any]) -> None:
        kind, value = body.get("kind"), body.get("value", "")
        if isinstance(value, FieldRef):
            return
        problem = None
        if kind == "max_intensity" and value not in INTENSITY_ORDER:
            problem = f"max_intensity value {value!r} is not one of {', '.join(INTENSITY_ORDER)}"
        elif kind == "avoid_pattern" and value not in MOVEMENT_PATTERNS:
            problem = f"avoid_pattern value {value!r} is not a movement pattern"
        elif kind == "avoid_exercise" and value not in self.kb.exercises:
            problem = f"avoid_exercise value {value!r} is not an exercise"
        elif kind == "avoid_session_kind" and value not in SESSION_KINDS:
            problem = f"avoid_session_kind value {value!r} is not a session kind"
        elif kind == "load_cap_pct" and not str(value).replace(".", "", 1).isdigit():
            problem = f"load_cap_pct value {value!r} is not a number"
        if problem:
            self.error(loaded, f"then constrain.value: {problem}")

    # Conditions that can never hold.

    def check_satisfiable(self, loaded: LoadedRule) -> None:
        for index, pattern in enumerate(loaded.spec.when):
            if not pattern_options(loaded.spec, index, self.ruleset.settings):
                self.error(
                    loaded,
                    f"can never fire: the conditions on {pattern.name} ({pattern.fact}) "
                    "contradict each other",
                )

    # Patterns on conclusions nobody concludes.

    def _concludable(self, fact_type: str, options: list[dict[str, Domain]]) -> bool:
        for other in self.ruleset.rules:
            for conclusion in other.spec.then:
                if conclusion.fact_type != fact_type:
                    continue
                body = conclusion.body
                for domains in options:
                    if all(
                        isinstance(body.get(name), FieldRef | type(None))
                        or self._value_in(
                            domains[name], _resolve(body[name], self.ruleset.settings)
                        )
                        for name in domains
                    ):
                        return True
        return False

    @staticmethod
    def _value_in(domain: Domain, value: Any) -> bool:
        probe = Domain(
            domain.low,
            domain.low_open,
            domain.high,
            domain.high_open,
            None if domain.allowed is None else set(domain.allowed),
            set(domain.excluded),
        )
        probe.restrict("eq", value)
        return probe.satisfiable(integer=isinstance(value, int))

    def check_reachable(self, loaded: LoadedRule) -> None:
        for index, pattern in enumerate(loaded.spec.when):
            if pattern.fact not in {
                "derived",
                "constraint",
                "proposal",
                "prescription",
                "progression",
                "include",
                "warning",
            }:
                continue
            options = pattern_options(loaded.spec, index, self.ruleset.settings)
            if options and not self._concludable(pattern.fact, options):
                self.error(
                    loaded,
                    f"can never fire: no rule concludes a {pattern.fact} matching {pattern.name}",
                )

    # Cases.

    def check_cases(self, loaded: LoadedRule) -> None:
        cases = [case for case in self.ruleset.cases if case.rule == loaded.spec.id]
        if not any(case.case.fires for case in cases):
            self.error(loaded, "has no case where it fires (rules/cases/)")
        if not any(not case.case.fires for case in cases):
            self.error(loaded, "has no case where it stays quiet (rules/cases/)")

    # Contradicting conclusions at equal priority.

    @staticmethod
    def _claims(spec: RuleSpec) -> Iterator[tuple[tuple[Any, ...], Any]]:
        """(what the conclusion is about, what it says) for conclusions that can contradict."""
        for conclusion in spec.then:
            body = conclusion.body
            if conclusion.fact_type == "progression":
                yield ("progression", repr(body.get("ladder"))), body.get("action")
            elif conclusion.fact_type == "derived":
                yield (
                    ("derived", body.get("name"), repr(body.get("about", ""))),
                    repr(body.get("value", "true")),
                )
            elif conclusion.fact_type == "prescription":
                for name, value in body.items():
                    if name not in {"target", "note"}:
                        yield ("prescription", repr(body.get("target")), name), repr(value)

    def _can_fire_together(self, a: RuleSpec, b: RuleSpec) -> bool:
        settings = self.ruleset.settings
        for index_a, pattern_a in enumerate(a.when):
            for index_b, pattern_b in enumerate(b.when):
                # Single facts (athlete, checkin, history) are shared by every rule in an
                # evaluation; a ladder fact is, too, when both rules conclude about the ladder
                # they matched. Other facts come many at a time and may differ between rules.
                if pattern_a.fact != pattern_b.fact or pattern_a.fact not in SHARED_FACTS:
                    continue
                options_a = pattern_options(a, index_a, settings)
                options_b = pattern_options(b, index_b, settings)
                if not any(_compatible(x, y, pattern_a.fact) for x in options_a for y in options_b):
                    return False
        return True

    def check_contradictions(self) -> None:
        rules = self.ruleset.rules
        for first, second in itertools.combinations(rules, 2):
            if first.spec.priority != second.spec.priority:
                continue
            claims_a = dict(self._claims(first.spec))
            clashes = [
                about
                for about, said in self._claims(second.spec)
                if about in claims_a and claims_a[about] != said
            ]
            if clashes and self._can_fire_together(first.spec, second.spec):
                what = ", ".join(" ".join(str(part) for part in about) for about in clashes[:3])
                self.error(
                    second,
                    f"contradicts {first.spec.id} at the same priority "
                    f"({first.spec.priority}) and both can fire: {what}",
                )

    def check_unused_settings(self) -> None:
        used = {key for loaded in self.ruleset.rules for key in loaded.spec.setting_keys()}
        # Settings the engine's features and planner read directly.
        used |= set(ENGINE_SETTINGS)
        for key in sorted(set(self.ruleset.settings) - used):
            self.warn(
                None,
                f"setting {key} is not used by any rule",
                file=self.ruleset.display_path("settings.yaml"),
            )


def check_ruleset(ruleset: RuleSet, kb: KnowledgeBase) -> Report:
    return RuleChecker(ruleset, kb).run()
