"""The exact shortcuts that let a replay skip work, and the checks that keep them exact.

- :class:`WatchedSettings` notes which changed settings the features or the planner read (by
  key, or as attributes of the typed :class:`~engine.rulebook.engine_settings.EngineSettings`
  through :meth:`WatchedSettings.typed`); when none was read, the head's facts (or plan) are
  the base's.
- Probe engines hold only the rules that differ between the rule sets; when they match the
  same facts and conclude the same over everything the base run knew, the head run would
  repeat the base run (see :func:`probes_for`).

``Replayer(..., shortcuts=False)`` evaluates everything twice and the tests check that both
give the same records.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from pydantic import BaseModel

from engine.contract.errors import EngineError
from engine.core.evaluator import Evaluator
from engine.core.runtime import Firing, RuleEngine, conclusion_facts
from engine.rulebook.compiler import RULESET_NAME, SENTINEL_RULE, CompiledRuleSet
from engine.rulebook.engine_settings import EngineSettings


class WatchedSettings(dict[str, Any]):
    """Settings that note which watched keys (those the other rule set sets differently) are
    read. Bulk access (iterating, copying) counts as reading all of them."""

    def __init__(self, data: dict[str, Any], watched: frozenset[str]) -> None:
        super().__init__(data)
        self.watched = watched
        self.read: set[str] = set()

    def _note(self, key: object) -> None:
        if key in self.watched:
            self.read.add(str(key))

    def _note_all(self) -> None:
        self.read.update(self.watched)

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self._note_all()
        return super().__iter__()

    def keys(self) -> Any:
        self._note_all()
        return super().keys()

    def values(self) -> Any:
        self._note_all()
        return super().values()

    def items(self) -> Any:
        self._note_all()
        return super().items()

    def copy(self) -> dict[str, Any]:
        self._note_all()
        return dict(super().items())

    def typed(self, settings: EngineSettings) -> EngineSettings:
        """``settings`` as the engine's code reads them, each attribute read noted here under
        its key (``settings.hiit.work_s`` notes ``hiit.work_s``)."""
        return cast(EngineSettings, _WatchedGroups(settings, self._note, self.watched))


class _WatchedGroups:
    """Stands in for :class:`EngineSettings`: each group that holds a watched setting notes its
    reads; the others are handed out as they are (reading them notes nothing anyway)."""

    def __init__(
        self, settings: EngineSettings, note: Callable[[str], None], watched: frozenset[str]
    ) -> None:
        self._settings = settings
        self._note = note
        self._prefixes = {key.split(".", 1)[0] for key in watched if "." in key}
        self._groups: dict[str, Any] = {}

    def __getattr__(self, group: str) -> Any:
        found = self._groups.get(group)
        if found is None:
            found = getattr(self._settings, group)
            if group in self._prefixes:
                found = _WatchedGroup(found, group, self._note)
            self._groups[group] = found
        return found


class _WatchedGroup:
    """One settings group whose field reads are noted as ``group.field``. A method of the
    group (``run.session(kind)``) reads the fields itself, out of sight: calling one counts as
    reading every field of the group."""

    def __init__(self, group: BaseModel, prefix: str, note: Callable[[str], None]) -> None:
        self._group = group
        self._keys = {name: f"{prefix}.{name}" for name in type(group).model_fields}
        self._note = note
        # What reading each attribute notes, worked out on its first read.
        self._reads: dict[str, list[str]] = {}

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._group, name)
        reads = self._reads.get(name)
        if reads is None:
            keys = self._keys
            reads = [keys[name]] if name in keys else list(keys.values()) if callable(value) else []
            self._reads[name] = reads
        for key in reads:
            self._note(key)
        return value


def compiled_rule(evaluator: Evaluator, rule: str) -> tuple[Any, ...]:
    """A rule as compiled, without what depends on the other rules: its firing rank (which
    moves when other rules come and go) and its batching (``cap``: set when no rule matches
    what it concludes)."""
    definition = evaluator.compiled.definitions[RULESET_NAME][rule]
    compiled = evaluator.compiled.rules[rule]
    return (
        {key: value for key, value in definition.items() if key not in ("pri", "cap")},
        dataclasses.replace(compiled, pri=0),
    )


def changed_settings(base: Evaluator, head: Evaluator) -> dict[str, tuple[Any, Any]]:
    """Settings whose value differs (``None`` where a side lacks the setting)."""
    b, h = base.ruleset.settings, head.ruleset.settings
    return {
        key: (b.get(key), h.get(key))
        for key in sorted(set(b) | set(h))
        if key not in b or key not in h or b[key] != h[key]
    }


def _rank_order(evaluator: Evaluator) -> list[str]:
    return [loaded.spec.id for loaded in sorted(evaluator.ruleset.rules, key=lambda r: r.rank)]


@dataclass(frozen=True)
class Probe:
    """A durable_rules engine with only some rules and the sentinel, whose conclusions are
    recorded but never asserted (so it matches exactly the facts it is given), and the fact
    types those rules match (no other fact can matter to them)."""

    engine: RuleEngine
    fact_types: frozenset[str]


def _probe_engine(evaluator: Evaluator, rules: set[str]) -> Probe | None:
    if not rules:
        return None
    definitions = evaluator.compiled.definitions[RULESET_NAME]
    fact_types = frozenset(
        pattern.fact
        for loaded in evaluator.ruleset.rules
        if loaded.spec.id in rules
        for pattern in loaded.spec.when
    )
    engine = RuleEngine(
        CompiledRuleSet(
            version=f"probe:{evaluator.compiled.version}",
            definitions={
                RULESET_NAME: {
                    key: value
                    for key, value in definitions.items()
                    if key in rules or key == SENTINEL_RULE
                }
            },
            rules={key: evaluator.compiled.rules[key] for key in rules},
            chained_types=frozenset(),
            # The full rule set's tested fields: a superset of what these rules test.
            match_fields=evaluator.compiled.match_fields,
        )
    )
    return Probe(engine, fact_types)


Probes = tuple[Probe | None, Probe | None]


def probes_for(base: Evaluator, head: Evaluator) -> Probes | None:
    """Probes for the rules that differ, or ``None`` when the shortcut cannot be sound.

    Rule conditions are monotonic (no rule tests for the absence of a fact), so a rule that
    matches nothing in the final facts of a run never matched during it. If the common rules
    compile the same and fire in the same relative order, and the differing rules (changed,
    added, removed) match the same facts and conclude the same over everything the base run
    knew, the head run makes exactly the base run's firings.
    """
    order_b, order_h = _rank_order(base), _rank_order(head)
    common = set(order_b) & set(order_h)
    if [key for key in order_b if key in common] != [key for key in order_h if key in common]:
        return None  # a priority change moved a rule among the others
    specs_b, specs_h = base.ruleset.by_id, head.ruleset.by_id
    same = {
        key
        for key in common
        if specs_b[key].priority == specs_h[key].priority
        and compiled_rule(base, key) == compiled_rule(head, key)
    }
    return (
        _probe_engine(base, set(order_b) - same),
        _probe_engine(head, set(order_h) - same),
    )


def known_facts(
    types: frozenset[str], facts: list[dict[str, Any]], firings: list[Firing]
) -> list[dict[str, Any]]:
    """What a run knew of these fact types: the input facts and every conclusion."""
    known = [fact for fact in facts if fact["type"] in types]
    known.extend(conclusion_facts(firings, types))
    return known


def canonical(probe: Probe | None, known: list[dict[str, Any]]) -> list[str]:
    """What a probe's rules make of what a run knew (:func:`known_facts` of its types)."""
    if probe is None or not known:
        return []
    return sorted(
        json.dumps(
            [
                firing.rule,
                firing.matched,
                [[item.fact_type, item.fields] for item in firing.conclusions],
            ],
            sort_keys=True,
            default=str,
        )
        for firing in probe.engine.run(known)
    )


def probes_agree(probes: Probes, facts: list[dict[str, Any]], firings: list[Firing]) -> bool:
    """Whether the rules that differ between the rule sets match the same facts and conclude
    the same things over everything the base run knew (see :func:`probes_for`). Then the head
    run would fire exactly as the base run did. The two probes usually match the same fact
    types: what the run knew of them is gathered once."""
    gathered: dict[frozenset[str], list[dict[str, Any]]] = {}

    def known(probe: Probe | None) -> list[dict[str, Any]]:
        if probe is None:
            return []
        if probe.fact_types not in gathered:
            gathered[probe.fact_types] = known_facts(probe.fact_types, facts, firings)
        return gathered[probe.fact_types]

    probe_b, probe_h = probes
    try:
        return canonical(probe_b, known(probe_b)) == canonical(probe_h, known(probe_h))
    except EngineError:
        return False
