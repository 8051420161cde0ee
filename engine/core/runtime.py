"""Run a compiled ruleset on durable_rules, one evaluation at a time.

durable_rules 2.0.28 has traps that crash or mislead (see the project's design notes); each is
handled here, and each has a test in ``tests/test_runtime.py``:

- Global registry: the module-level ``ruleset`` API registers a name once per process. We build
  ``durable.engine.Host`` objects from JSON definitions instead, one per ruleset version, cached.
- ``Ruleset.__init__`` deletes the ``run`` key from the definitions it is given: we pass a copy.
- Background threads: every Host starts two timer threads that poll for work. They could pick up
  an evaluation's pending actions on another thread, so our Host starts none; evaluations are
  driven synchronously by ``assert_facts``.
- Facts without a ``sid`` all join session "0": every evaluation gets its own sid.
- At most 1,024 live sids per ruleset, then a crash: each sid's state is deleted when its
  evaluation ends, so at most one is ever alive.
- ``delete_state`` crashed for a sid in which no action had fired: a sentinel fact, matched by a
  no-op rule, guarantees one has.
- Asserting a fact no rule matches raises ``MessageNotHandledException``: normal for a
  conclusion nobody chains on, so it is ignored there.
- An identical fact asserted twice raises ``MessageObservedException``: every fact has an id.
- Exceptions inside actions are swallowed into the state: our actions record their own errors
  and the evaluation raises :class:`~engine.contract.errors.EngineError` after the call.
- Action arity decides sync vs async: actions take exactly one parameter and are built by a
  factory closure.
- No truth maintenance: nothing is retracted; each evaluation starts from empty state.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic

from durable.engine import Host, MessageNotHandledException
from typing_extensions import TypeVar

from engine.contract.errors import EngineError
from engine.rulebook.compiler import (
    NOOP_ACTION,
    RULESET_NAME,
    SENTINEL_TYPE,
    CompiledRule,
    CompiledRuleSet,
)
from engine.rulebook.facts import CONCLUSION_DEFAULTS, CONCLUSION_FACTS, FactModel

# Fields that identify a matched fact in the trace, besides the fields the rule's conditions read.
IDENTITY_FIELDS: dict[str, tuple[str, ...]] = {
    "ladder": ("ladder", "stage"),
    "program": ("program",),
    "exercise": ("exercise", "program"),
    "pain": ("area", "during"),
    "derived": ("name", "value", "about"),
    "constraint": ("kind", "value", "about"),
    "proposal": ("session", "program", "preference"),
    "prescription": ("target",),
    "progression": ("ladder", "action"),
    "include": ("what", "ref"),
    "warning": ("code",),
}


# A bare ``Conclusion`` is one of any conclusion type.
FactT = TypeVar("FactT", bound=FactModel, covariant=True, default=FactModel)


@dataclass(frozen=True)
class Conclusion(Generic[FactT]):
    """One conclusion a rule asserted.

    ``fact`` is the typed conclusion (a model of :data:`~engine.rulebook.facts.CONCLUSION_FACTS`,
    validated when the rule fires); the planner reads its attributes. ``fields`` is the same
    fact as it was asserted into durable_rules, in the order the rule wrote its fields (after
    the defaults): the trace shows it in that order.
    """

    fact_type: str
    fact: FactT
    rule: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Firing:
    """One rule firing: which facts it matched (the fields it read) and what it concluded."""

    rule: str
    matched: dict[str, dict[str, Any]]
    conclusions: tuple[Conclusion, ...]


@dataclass
class _EvaluationLog:
    firings: list[Firing] = field(default_factory=list)
    asserted: set[tuple[str, tuple[tuple[str, Any], ...]]] = field(default_factory=set)
    matches: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


class _RuleHost(Host):  # type: ignore[misc]
    """A durable_rules Host without background dispatch threads."""

    def __init__(
        self, definitions: dict[str, Any], actions: dict[str, Callable[[Any], None]]
    ) -> None:
        self._named_actions = actions
        # durable_rules deletes each rule's "run" key from the dict it receives.
        super().__init__(copy.deepcopy(definitions))

    def _run(self) -> None:
        # The base class starts two polling timer threads here; evaluations are synchronous.
        return None

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        try:
            return self._named_actions[action_name]
        except KeyError:
            raise EngineError(f"no action bound for {action_name!r}") from None


_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\}")


def fill_placeholders(text: str, matched: dict[str, dict[str, Any]]) -> str:
    """Replace ``{alias.field}`` in a rule's text with the matched fact's value."""

    def value(match: re.Match[str]) -> str:
        fact = matched.get(match[1])
        if fact is None or match[2] not in fact:
            return match[0]
        return str(fact[match[2]])

    return _PLACEHOLDER.sub(value, text)


def _matched_values(rule: CompiledRule, alias: str, fact: dict[str, Any]) -> dict[str, Any]:
    fact_type = str(fact.get("type", ""))
    names = [*IDENTITY_FIELDS.get(fact_type, ()), *rule.read_fields.get(alias, ())]
    values = {name: fact[name] for name in dict.fromkeys(names) if name in fact}
    return {"fact": fact_type, **values}


class RuleEngine:
    """One durable_rules Host for one compiled ruleset; evaluations are serialised."""

    def __init__(self, compiled: CompiledRuleSet) -> None:
        self.compiled = compiled
        self._logs: dict[str, _EvaluationLog] = {}
        self._sids = itertools.count(1)
        # durable_rules' C state is not safe for concurrent use; parallelism is by process.
        self._lock = threading.Lock()
        actions: dict[str, Callable[[Any], None]] = {NOOP_ACTION: _noop}
        for rule_id, rule in compiled.rules.items():
            actions[rule_id] = self._make_action(rule)
        self._host = _RuleHost(compiled.definitions, actions)

    def _make_action(self, rule: CompiledRule) -> Callable[[Any], None]:
        # A closure with exactly one parameter: durable_rules treats two as an async action.
        def action(c: Any) -> None:
            sid = str(c.s["sid"])
            log = self._logs.get(sid)
            if log is None:
                return
            try:
                self._fire(rule, c, sid, log)
            except Exception as error:  # recorded and raised after the call
                log.errors.append(f"rule {rule.id}: {type(error).__name__}: {error}")

        return action

    def _fire(self, rule: CompiledRule, c: Any, sid: str, log: _EvaluationLog) -> None:
        message = c._m
        matched_facts: dict[str, dict[str, Any]] = {
            alias: dict(message[alias]) for alias in rule.aliases
        }
        # durable_rules expands an OR (any_of) into one activation per branch that holds; the
        # same facts matched twice are one firing.
        match_key = (rule.id, tuple(str(matched_facts[alias]["id"]) for alias in rule.aliases))
        if match_key in log.matches:
            return
        log.matches.add(match_key)
        conclusions: list[Conclusion] = []
        firing_number = len(log.firings)
        for index, template in enumerate(rule.conclusions):
            fields: dict[str, Any] = dict(CONCLUSION_DEFAULTS[template.fact_type])
            for name, value in template.fields.items():
                if isinstance(value, tuple) and value and value[0] == "ref":
                    _, alias, other = value
                    fields[name] = matched_facts[alias][other]
                elif isinstance(value, str) and "{" in value:
                    fields[name] = fill_placeholders(value, matched_facts)
                else:
                    fields[name] = value
            signature = (template.fact_type, tuple(sorted(fields.items())))
            if signature in log.asserted:
                continue  # already concluded: asserting again would make chained rules repeat
            log.asserted.add(signature)
            fact_model = CONCLUSION_FACTS[template.fact_type].model_validate(fields)
            conclusions.append(Conclusion(template.fact_type, fact_model, rule.id, fields))
            if template.fact_type not in self.compiled.chained_types:
                continue  # no rule matches this type: it only feeds the planner
            fact = {
                **fields,
                "type": template.fact_type,
                "id": f"{rule.id}.{firing_number}.{index}",
                "sid": sid,
            }
            # The catch-all rule handles every fact; suppressing is a second line of defence.
            with contextlib.suppress(MessageNotHandledException):
                c.assert_fact(fact)
        log.firings.append(
            Firing(
                rule=rule.id,
                matched={
                    alias: _matched_values(rule, alias, fact)
                    for alias, fact in matched_facts.items()
                },
                conclusions=tuple(conclusions),
            )
        )

    def run(self, facts: list[dict[str, Any]]) -> list[Firing]:
        """Assert the facts in a fresh session, let the rules chain, return the firings."""
        with self._lock:
            sid = str(next(self._sids))
            log = _EvaluationLog()
            self._logs[sid] = log
            payload = [{**fact, "sid": sid} for fact in facts]
            payload.append({"sid": sid, "id": "sentinel", "type": SENTINEL_TYPE})
            try:
                state = self._host.assert_facts(RULESET_NAME, payload)
                if isinstance(state, dict) and state.get("exception"):
                    log.errors.append(str(state["exception"]))
            finally:
                try:
                    self._host.delete_state(RULESET_NAME, sid)
                finally:
                    del self._logs[sid]
            if log.errors:
                raise EngineError("; ".join(log.errors))
            return log.firings


def _noop(c: Any) -> None:
    return None


_ENGINES: dict[str, RuleEngine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(compiled: CompiledRuleSet) -> RuleEngine:
    """The engine for this ruleset version, built once per process (Hosts cannot be freed)."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get(compiled.version)
        if engine is None:
            engine = RuleEngine(compiled)
            _ENGINES[compiled.version] = engine
        return engine
