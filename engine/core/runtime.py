"""Run a compiled ruleset on durable_rules, one evaluation at a time.

The matching is durable_rules' Rete network (its C extension, ``durable_rules_engine``). The
Python layer around it (``durable/engine.py``: ``Host``, ``Ruleset``, ``Closure``) is not used:
this module drives the C engine's action loop itself, because that layer is where most of the
traps below live and most of the time went (a ``Closure`` and a JSON round trip of the session
state per action, a 3.5 KB catch-all message, a wall-clock cut-off).

durable_rules 2.0.28 has traps that crash or mislead (see the project's design notes); each is
handled here, and each has a test in ``tests/test_runtime.py``:

- **A stall of more than 10 s silently truncates the rule chain.** ``Closure._has_completed()``
  compares ``_unix_now()`` (the local wall clock, ``datetime.now()``) with the action's start;
  past 10 s the action callback returns without ``complete_and_start_action``, ``assert_facts``
  returns, later rules never fire, and nothing reports it. A suspended process, a loaded
  machine or a clock step is enough. Here the action loop (:meth:`RuleEngine._drive`) reads no
  clock and has no cut-off: it completes each action and starts the next until the engine has
  none. And a result is trusted only when it is complete: the sentinel rule (fired after every
  other rule) must have run and no action may be left pending, or the evaluation raises
  :class:`~engine.contract.errors.EngineError`. (The C engine's own action lease, also on the
  wall clock, is reset before each next action is taken, so a clock step cannot stop it.)
- Global registry: the module-level ``ruleset`` API registers a name once per process. We create
  one C ruleset per ruleset version, cached (:func:`engine_for`).
- ``Ruleset.__init__`` deletes the ``run`` key from the definitions it is given: the
  definitions passed to the C engine are a new dict without ``run``; ours are never touched.
- Background threads: every ``Host`` starts two timer threads that poll for work (and could
  take an evaluation's pending actions on another thread). No ``Host`` is made, so none start;
  evaluations are driven synchronously.
- Facts without a ``sid`` all join session "0": every evaluation gets its own sid.
- At most 1,024 live sids per ruleset, then a crash: each sid's state is deleted when its
  evaluation ends, so at most one is ever alive.
- ``delete_state`` crashed for a sid in which no action had fired: a sentinel fact, matched by a
  no-op rule, guarantees one has.
- Asserting a fact no rule matches is reported as "not handled" (``MessageNotHandledException``
  in the Python layer): normal for a fact nobody chains on, so that result code is ignored.
- An identical fact asserted twice is reported as "observed" (``MessageObservedException``):
  every fact has an id, and an "observed" result is an engine error.
- Exceptions inside actions were swallowed into the state: our actions run in our own loop, so
  an error is recorded and the evaluation raises :class:`EngineError` after the call.
- Action arity decided sync vs async in ``durable/engine.py``: our actions are plain methods
  called by our loop, so no signature is inspected.
- No truth maintenance: nothing is retracted; each evaluation starts from empty state.

Throughput: durable_rules serialises every matched fact into each action's JSON
message. Facts therefore go in with only the fields some rule tests (the compiler's
``match_fields``) and are looked up whole by id on our side; conclusions of one action go in
with one ``assert_facts`` call; and the work that does not depend on the request (conclusion
templates, trace field lists) is done once per ruleset, not per action.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Generic

import durable_rules_engine as dre
import pydantic_core
from typing_extensions import TypeVar

from engine.contract.errors import EngineError
from engine.rulebook.compiler import (
    RULESET_NAME,
    SENTINEL_RULE,
    SENTINEL_TYPE,
    CompiledConclusion,
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
    # What it concluded that an earlier firing had already concluded (not asserted again):
    # (fact type, fields, the rule that concluded it first). The trace still shows it.
    repeated: tuple[tuple[str, dict[str, Any], str], ...] = ()


# durable_rules_engine result codes (``rules.h``): no rule matched the fact (normal), and the
# same fact was asserted before (a bug: every fact has its own id).
_NOT_HANDLED = 1
_OBSERVED = 2
SENTINEL_ID = "sentinel"


def fact_id(rule: str, firing: int, index: int) -> str:
    """The id of a conclusion asserted as a fact: rule, firing number, place among its
    conclusions. Ids only need to be unique within an evaluation."""
    return f"{rule}.{firing}.{index}"


def conclusion_facts(firings: list[Firing], types: frozenset[str]) -> list[dict[str, Any]]:
    """The conclusions of ``types`` that a run made, as the facts the runtime asserted for them
    (whole, with their ids): for running other rules over what a run knew (replay's probes)."""
    return [
        {**item.fields, "type": item.fact_type, "id": fact_id(firing.rule, number, index)}
        for number, firing in enumerate(firings)
        for index, item in enumerate(firing.conclusions)
        if item.fact_type in types
    ]


@dataclass
class _EvaluationLog:
    sid: str
    # Every fact of the evaluation, whole, by id: durable_rules sees only the tested fields.
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    firings: list[Firing] = field(default_factory=list)
    # Each conclusion asserted so far, by its signature, with the rule that concluded it.
    asserted: dict[Signature, str] = field(default_factory=dict)
    matches: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    sentinel_fired: bool = False


_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\}")


def fill_placeholders(text: str, matched: dict[str, dict[str, Any]]) -> str:
    """Replace ``{alias.field}`` in a rule's text with the matched fact's value."""

    def value(match: re.Match[str]) -> str:
        fact = matched.get(match[1])
        if fact is None or match[2] not in fact:
            return match[0]
        return str(fact[match[2]])

    return _PLACEHOLDER.sub(value, text)


# A conclusion's identity: its type and its fields, sorted.
Signature = tuple[str, tuple[tuple[str, Any], ...]]


def signature_of(fact_type: str, fields: dict[str, Any]) -> Signature:
    return fact_type, tuple(sorted(fields.items()))


@dataclass(frozen=True)
class _Template:
    """One conclusion of a rule, prepared once per ruleset instead of once per firing."""

    fact_type: str
    # Defaults, then the rule's fields, in that order (the trace prints them in it); fields
    # filled per firing hold a placeholder here.
    fields: dict[str, Any]
    refs: tuple[tuple[str, str, str], ...]  # (field, alias, field of the matched fact)
    texts: tuple[tuple[str, str], ...]  # (field, text with {alias.field} placeholders)
    # The fields durable_rules tests on this type, or None when no rule matches it.
    sent: frozenset[str] | None
    # For a conclusion without per-firing fields: its identity, computed once.
    signature: Signature | None

    @classmethod
    def build(cls, template: CompiledConclusion, compiled: CompiledRuleSet) -> _Template:
        fields: dict[str, Any] = dict(CONCLUSION_DEFAULTS[template.fact_type])
        refs: list[tuple[str, str, str]] = []
        texts: list[tuple[str, str]] = []
        for name, value in template.fields.items():
            fields[name] = value
            if isinstance(value, tuple) and value and value[0] == "ref":
                refs.append((name, value[1], value[2]))
            elif isinstance(value, str) and "{" in value:
                texts.append((name, value))
        static = not refs and not texts
        sent: frozenset[str] | None = None
        if template.fact_type in compiled.chained_types:
            match = compiled.match_fields
            sent = frozenset(fields) if match is None else match.get(template.fact_type)
        return cls(
            fact_type=template.fact_type,
            fields=fields,
            refs=tuple(refs),
            texts=tuple(texts),
            sent=sent,
            signature=signature_of(template.fact_type, fields) if static else None,
        )

    def fill(self, matched: dict[str, dict[str, Any]]) -> dict[str, Any]:
        fields = dict(self.fields)
        for name, alias, other in self.refs:
            fields[name] = matched[alias][other]
        for name, text in self.texts:
            fields[name] = fill_placeholders(text, matched)
        return fields


class _Action:
    """What one rule does when it fires, prepared once per ruleset."""

    def __init__(self, rule: CompiledRule, compiled: CompiledRuleSet) -> None:
        self.rule = rule
        self.templates = tuple(_Template.build(item, compiled) for item in rule.conclusions)
        # (alias, fact type) -> the fields the trace shows: identity fields, then those read.
        self._shown: dict[tuple[str, str], tuple[str, ...]] = {}

    def shown(self, alias: str, fact_type: str) -> tuple[str, ...]:
        names = self._shown.get((alias, fact_type))
        if names is None:
            read = self.rule.read_fields.get(alias, ())
            names = tuple(dict.fromkeys([*IDENTITY_FIELDS.get(fact_type, ()), *read]))
            self._shown[(alias, fact_type)] = names
        return names

    def matched_values(self, alias: str, fact: dict[str, Any]) -> dict[str, Any]:
        fact_type = str(fact.get("type", ""))
        values: dict[str, Any] = {"fact": fact_type}
        for name in self.shown(alias, fact_type):
            if name in fact:
                values[name] = fact[name]
        return values


# The JSON codec of every call into durable_rules: pydantic-core's (Rust, already a dependency)
# encodes a payload ~4x and decodes a message ~2x faster than the standard library here
# (tests/benchmarks/bench_evaluate.py --codecs prints both side by side), and JSON is a tenth
# of a replay's CPU time. Facts hold only JSON's own types, so both give the same document
# (up to spacing and how an exponent is written, which durable_rules' parser reads alike).
def _encode(facts: list[dict[str, Any]]) -> str:
    return pydantic_core.to_json(facts).decode()


_DECODE = pydantic_core.from_json
# At most this many distinct validated conclusions are kept per engine (see ``_validated``).
_MODEL_CACHE_SIZE = 4096


class RuleEngine:
    """One durable_rules ruleset for one compiled ruleset; evaluations are serialised."""

    def __init__(self, compiled: CompiledRuleSet) -> None:
        self.compiled = compiled
        # Each distinct conclusion, validated once: a rule's conclusions repeat from one
        # evaluation to the next (most have no per-firing field at all), and a validated fact
        # is only read afterwards, never changed, so the same model serves every evaluation.
        self._models: dict[tuple[object, ...], FactModel] = {}
        self._sids = itertools.count(1)
        # durable_rules' C state is not safe for concurrent use; parallelism is by process.
        self._lock = threading.Lock()
        self._actions = {
            rule_id: _Action(rule, compiled) for rule_id, rule in compiled.rules.items()
        }
        self._match = compiled.match_fields
        # The C engine gets its own copy without the "run" keys (actions are ours, by rule id).
        definitions = {
            name: {key: value for key, value in rule.items() if key != "run"}
            for name, rule in compiled.definitions[RULESET_NAME].items()
        }
        self._handle = dre.create_ruleset(RULESET_NAME, json.dumps(definitions))

    def _sent(self, fact: dict[str, Any], sid: str) -> dict[str, Any] | None:
        """What durable_rules gets of a fact: id, type, sid and the tested fields; ``None``
        when no rule matches its type."""
        if self._match is None:
            return {**fact, "sid": sid}
        fields = self._match.get(str(fact.get("type")))
        if fields is None:
            return None
        out = {name: fact[name] for name in fields if name in fact}
        out["id"] = fact.get("id")
        out["type"] = fact["type"]
        out["sid"] = sid
        return out

    def _assert(self, facts: list[dict[str, Any]], state: list[int]) -> None:
        code, offset = dre.assert_facts(self._handle, _encode(facts))
        if code == _OBSERVED:
            raise EngineError("a fact was asserted twice in one evaluation (duplicate fact id)")
        state[0] = offset

    def _fire(
        self, action: _Action, message: dict[str, Any], log: _EvaluationLog
    ) -> list[dict[str, Any]]:
        """Record one firing; return the conclusions to assert into durable_rules."""
        rule = action.rule
        ids = tuple([str(message[alias]["id"]) for alias in rule.aliases])
        # durable_rules expands an OR (any_of) into one activation per branch that holds; the
        # same facts matched twice are one firing.
        match_key = (rule.id, ids)
        if match_key in log.matches:
            return []
        log.matches.add(match_key)
        matched = {alias: log.facts[key] for alias, key in zip(rule.aliases, ids, strict=True)}
        conclusions: list[Conclusion] = []
        repeated: list[tuple[str, dict[str, Any], str]] = []
        sent: list[dict[str, Any]] = []
        firing_number = len(log.firings)
        for template in action.templates:
            fields = template.fill(matched) if template.signature is None else template.fields
            signature = template.signature or signature_of(template.fact_type, fields)
            if signature in log.asserted:
                # Already concluded: asserting again would make chained rules repeat.
                repeated.append((template.fact_type, dict(fields), log.asserted[signature]))
                continue
            log.asserted[signature] = rule.id
            if template.signature is not None:
                fields = dict(fields)
            fact_model = self._validated(signature, template.fact_type, fields)
            conclusions.append(Conclusion(template.fact_type, fact_model, rule.id, fields))
            if template.sent is None:
                continue  # no rule matches this type: it only feeds the planner
            key = fact_id(rule.id, firing_number, len(conclusions) - 1)
            log.facts[key] = {**fields, "type": template.fact_type, "id": key}
            fact = {name: fields[name] for name in template.sent if name in fields}
            fact.update(type=template.fact_type, id=key, sid=log.sid)
            sent.append(fact)
        log.firings.append(
            Firing(
                rule=rule.id,
                matched={
                    alias: action.matched_values(alias, fact) for alias, fact in matched.items()
                },
                conclusions=tuple(conclusions),
                repeated=tuple(repeated),
            )
        )
        return sent

    def _validated(self, signature: Signature, fact_type: str, fields: dict[str, Any]) -> FactModel:
        """The conclusion as its typed model, validated the first time it is concluded (an
        invalid one raises every time: it is never cached). The key holds each value's type,
        since equal values of different types (1, 1.0, True) may validate differently."""
        key = (signature, tuple([type(value) for _, value in signature[1]]))
        model = self._models.get(key)
        if model is None:
            model = CONCLUSION_FACTS[fact_type].model_validate(fields)
            if len(self._models) >= _MODEL_CACHE_SIZE:
                self._models.clear()  # bounded: values filled per firing vary without end
            self._models[key] = model
        return model

    def _drive(self, payload: list[dict[str, Any]], log: _EvaluationLog) -> None:
        """Assert the facts and run every action until durable_rules has none left.

        Unlike ``durable/engine.py``'s loop, this one reads no clock and never gives up on an
        evaluation, so a stalled process or a clock step cannot cut the chain short.
        """
        state = [0]
        self._assert(payload, state)
        started = dre.start_action_for_state(self._handle, state[0])
        message: str | None = None if started is None else started[1]
        while message is not None:
            ((name, matched),) = _DECODE(message).items()
            action = self._actions.get(name)
            if action is None:
                log.sentinel_fired = name == SENTINEL_RULE
                if not log.sentinel_fired:
                    log.errors.append(f"durable_rules started an unknown action {name!r}")
            else:
                # A batched rule (``cap``) gets a list of activations, the others one.
                facts: list[dict[str, Any]] = []
                for one in matched if isinstance(matched, list) else (matched,):
                    try:
                        facts.extend(self._fire(action, one, log))
                    except Exception as error:  # recorded and raised after the call
                        log.errors.append(f"rule {name}: {type(error).__name__}: {error}")
                if facts:
                    self._assert(facts, state)
            message = dre.complete_and_start_action(self._handle, state[0])
        # Trust only a complete result: the sentinel rule fires after every other rule, and
        # nothing may be left to do.
        if not log.sentinel_fired or dre.start_action_for_state(self._handle, state[0]):
            raise EngineError(
                "durable_rules stopped before the rule chain completed (actions left pending); "
                "the evaluation is incomplete and was discarded"
            )

    def run(self, facts: list[dict[str, Any]]) -> list[Firing]:
        """Assert the facts in a fresh session, let the rules chain, return the firings."""
        with self._lock:
            sid = str(next(self._sids))
            log = _EvaluationLog(sid)
            payload: list[dict[str, Any]] = []
            for fact in facts:
                log.facts[str(fact.get("id"))] = fact
                sent = self._sent(fact, sid)
                if sent is not None:
                    payload.append(sent)
            payload.append({"sid": sid, "id": SENTINEL_ID, "type": SENTINEL_TYPE})
            try:
                self._drive(payload, log)
            except EngineError:
                raise
            except Exception as error:  # an error code from the C engine
                raise EngineError(f"durable_rules: {type(error).__name__}: {error}") from error
            finally:
                dre.delete_state(self._handle, sid)
            if log.errors:
                raise EngineError("; ".join(log.errors))
            return log.firings


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
