"""Comparing one request's recommendations under two rule sets.

:func:`diff_recommendations` says what differs between two recommendations, by category;
:class:`Replayer` evaluates a request under the base and the head rules (with the exact
shortcuts of :mod:`.shortcuts`) and returns a :class:`Record` of what did not come out the
same.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import ValidationError

from engine.contract.errors import EngineError
from engine.contract.formatting import fmt_dose, fmt_value
from engine.contract.models import (
    EvaluationRequest,
    HiitDecision,
    PrescribedExercise,
    Progression,
    Session,
    Warning_,
)
from engine.core.evaluator import Evaluator
from engine.core.features import FactBundle
from engine.core.runtime import Conclusion, Firing
from engine.ruletools.replay.shortcuts import (
    WatchedSettings,
    changed_settings,
    probes_agree,
    probes_for,
)
from engine.ruletools.replay.sources import Item

# What changed, in report order, with the label a person reads.
CATEGORIES: dict[str, str] = {
    "session_kind": "session kind",
    "intensity": "intensity",
    "program": "program",
    "hiit_allowed": "HIIT allowed",
    "hiit_dose": "HIIT work/rest",
    "exercises": "exercises (only before -> only after)",
    "loads": "loads",
    "dose": "sets/reps",
    "progressions": "progression decisions",
    "warnings": "warnings",
    "details": "other session details (notes, blocks)",
    "error": "evaluation errors",
}
SETTING_PREFIX = "setting:"
_TEXT_MAX = 120


class Outcome(Protocol):
    """What a replay compares of an evaluation: a recommendation, or the plan alone (the
    replay skips the trace, which a :class:`Record` takes from the firings)."""

    @property
    def session(self) -> Session: ...
    @property
    def hiit(self) -> HiitDecision: ...
    @property
    def progressions(self) -> list[Progression]: ...
    @property
    def warnings(self) -> list[Warning_]: ...


def _short(text: str) -> str:
    return text if len(text) <= _TEXT_MAX else text[: _TEXT_MAX - 3] + "..."


def _exercises(session: Session) -> dict[str, PrescribedExercise]:
    out: dict[str, PrescribedExercise] = {}
    for block in session.blocks:
        for item in block.exercises:
            out.setdefault(item.id, item)
    return out


def _load(item: PrescribedExercise) -> str:
    parts = []
    if item.load_kg is not None:
        parts.append(f"{fmt_value(item.load_kg)} kg")
    if item.load_pct_1rm is not None:
        parts.append(f"{fmt_value(item.load_pct_1rm)}% 1RM")
    return " ".join(parts) or "no load"


def _dose(item: PrescribedExercise) -> str:
    return fmt_dose(item) or "no dose"


def _first_difference(
    pairs: Iterable[tuple[str, str, str]],
) -> tuple[str, str] | None:
    """The first (id, before, after) that differs, as before/after text with a count of more."""
    differing = [(key, before, after) for key, before, after in pairs if before != after]
    if not differing:
        return None
    key, before, after = differing[0]
    more = f" (+{len(differing) - 1} more)" if len(differing) > 1 else ""
    return f"{key} {before}{more}", f"{key} {after}{more}"


def _notes(session: Session) -> list[str]:
    out = [session.title, *session.notes]
    for block in session.blocks:
        out.append(block.name)
        out.extend(block.notes)
        for item in block.exercises:
            out.extend(item.notes)
    return out


def _progressions(recommendation: Outcome) -> dict[str, str]:
    return {
        item.ladder: f"{item.action} {item.from_}"
        + (f" -> {item.to}" if item.to != item.from_ else "")
        + (" (needs approval)" if item.needs_approval else "")
        for item in recommendation.progressions
    }


# One category's change as (before, after) text, or None when it did not change.
_Change = tuple[str, str] | None
_Check = Callable[[Outcome, Outcome], _Change]


def _session_kind(before: Outcome, after: Outcome) -> _Change:
    b, a = before.session, after.session
    return None if b.kind == a.kind else (b.kind, a.kind)


def _intensity(before: Outcome, after: Outcome) -> _Change:
    b, a = before.session, after.session
    return None if b.intensity == a.intensity else (b.intensity, a.intensity)


def _program(before: Outcome, after: Outcome) -> _Change:
    b, a = before.session, after.session
    if (b.program, b.variant) == (a.program, a.variant):
        return None
    return (
        "/".join(filter(None, (b.program, b.variant))) or "none",
        "/".join(filter(None, (a.program, a.variant))) or "none",
    )


def _hiit_allowed(before: Outcome, after: Outcome) -> _Change:
    if before.hiit.allowed == after.hiit.allowed:
        return None
    yes_no = {True: "allowed", False: "not allowed"}
    return yes_no[before.hiit.allowed], yes_no[after.hiit.allowed]


def _hiit_dose(before: Outcome, after: Outcome) -> _Change:
    """Only when HIIT is allowed (or not) on both sides: a dose next to a changed decision
    says nothing more."""
    b, a = before.hiit, after.hiit
    if b.allowed != a.allowed or (b.work_s, b.rest_s) == (a.work_s, a.rest_s):
        return None
    return f"{b.work_s} s work / {b.rest_s} s rest", f"{a.work_s} s work / {a.rest_s} s rest"


def _exercise_set(before: Outcome, after: Outcome) -> _Change:
    ex_b, ex_a = _exercises(before.session), _exercises(after.session)
    removed = [key for key in ex_b if key not in ex_a]
    added = [key for key in ex_a if key not in ex_b]
    if not (removed or added):
        return None
    return ", ".join(removed) or "-", ", ".join(added) or "-"


def _common_exercises(
    before: Outcome, after: Outcome, text: Callable[[PrescribedExercise], str]
) -> _Change:
    """The first exercise in both sessions whose ``text`` differs."""
    ex_b, ex_a = _exercises(before.session), _exercises(after.session)
    common = [key for key in ex_b if key in ex_a]
    return _first_difference((key, text(ex_b[key]), text(ex_a[key])) for key in common)


def _loads(before: Outcome, after: Outcome) -> _Change:
    return _common_exercises(before, after, _load)


def _doses(before: Outcome, after: Outcome) -> _Change:
    return _common_exercises(before, after, _dose)


def _details(before: Session, after: Session) -> tuple[str, str]:
    """What else differs between two sessions: the first note only one of them has, or, with
    the same notes, the blocks."""
    notes_b, notes_a = _notes(before), _notes(after)
    only_b = next((note for note in notes_b if note not in notes_a), None)
    only_a = next((note for note in notes_a if note not in notes_b), None)
    if only_b is None and only_a is None:
        return "blocks as before", "blocks rearranged or re-dosed"
    return _short(only_b or "-"), _short(only_a or "-")


def _progression_changes(before: Outcome, after: Outcome) -> _Change:
    prog_b, prog_a = _progressions(before), _progressions(after)
    if prog_b == prog_a:
        return None
    ladders = [
        key for key in dict.fromkeys([*prog_b, *prog_a]) if prog_b.get(key) != prog_a.get(key)
    ]
    return (
        "; ".join(f"{key}: {prog_b.get(key, 'none')}" for key in ladders),
        "; ".join(f"{key}: {prog_a.get(key, 'none')}" for key in ladders),
    )


def _warnings(before: Outcome, after: Outcome) -> _Change:
    warn_b = [item.code for item in before.warnings]
    warn_a = [item.code for item in after.warnings]
    if sorted(warn_b) == sorted(warn_a):
        return None
    return ", ".join(warn_b) or "none", ", ".join(warn_a) or "none"


# The checks in report order. "details" comes between the two groups, and only when the
# sessions differ in a way none of the session's own categories names.
_SESSION_CHECKS: tuple[tuple[str, _Check], ...] = (
    ("session_kind", _session_kind),
    ("intensity", _intensity),
    ("program", _program),
    ("hiit_allowed", _hiit_allowed),
    ("hiit_dose", _hiit_dose),
    ("exercises", _exercise_set),
    ("loads", _loads),
    ("dose", _doses),
)
_DECISION_CHECKS: tuple[tuple[str, _Check], ...] = (
    ("progressions", _progression_changes),
    ("warnings", _warnings),
)
_SESSION_CATEGORIES = frozenset(
    {"session_kind", "intensity", "program", "exercises", "loads", "dose", "details"}
)


def _changes(
    checks: tuple[tuple[str, _Check], ...], before: Outcome, after: Outcome
) -> list[tuple[str, str, str]]:
    return [
        (category, *change)
        for category, check in checks
        if (change := check(before, after)) is not None
    ]


def diff_recommendations(before: Outcome, after: Outcome) -> list[tuple[str, str, str]]:
    """What differs between two recommendations for the same request: (category, before,
    after) for each category of :data:`CATEGORIES` that changed."""
    out = _changes(_SESSION_CHECKS, before, after)
    if before.session != after.session and not any(
        category in _SESSION_CATEGORIES for category, _, _ in out
    ):
        out.append(("details", *_details(before.session, after.session)))
    out.extend(_changes(_DECISION_CHECKS, before, after))
    return out


def _by_rule(firings: list[Firing]) -> dict[str, tuple[Conclusion, ...]]:
    out: dict[str, tuple[Conclusion, ...]] = {}
    for firing in firings:
        out[firing.rule] = out.get(firing.rule, ()) + firing.conclusions
    return out


def responsible_rules(before: list[Firing], after: list[Firing]) -> list[str]:
    """Rules that fired under one rule set and not the other, or concluded something else."""
    by_b, by_a = _by_rule(before), _by_rule(after)
    return [rule for rule in dict.fromkeys([*by_b, *by_a]) if by_b.get(rule) != by_a.get(rule)]


RecordKind = Literal["changed", "trace", "invalid"]


@dataclass(frozen=True)
class Record:
    """What a worker sends back about one request that did not come out the same."""

    ref: int
    athlete: str
    date: str
    kind: RecordKind
    changes: tuple[tuple[str, str, str], ...] = ()
    rules: tuple[str, ...] = ()
    message: str = ""


def _first_problem(error: ValidationError) -> str:
    item = error.errors(include_url=False)[0]
    if item["type"] == "json_invalid":
        return "not valid JSON"
    where = ".".join(str(part) for part in item["loc"])
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {item['msg']}{more}" if where else f"{item['msg']}{more}"


class Replayer:
    """Evaluates requests under both rule sets and compares the results."""

    def __init__(self, base: Evaluator, head: Evaluator, shortcuts: bool = True) -> None:
        """``shortcuts=False`` evaluates everything twice in full (for checking the shortcuts)."""
        self.shortcuts = shortcuts
        self.settings = changed_settings(base, head)
        self.watched: WatchedSettings | None = None
        if self.settings:
            self.watched = WatchedSettings(base.ruleset.settings, frozenset(self.settings))
            typed = self.watched.typed(base.ruleset.engine_settings)
            base = dataclasses.replace(
                base,
                ruleset=dataclasses.replace(
                    base.ruleset, settings=self.watched, engine_settings=typed
                ),
            )
        self.base = base
        self.head = head
        self.same_kb = base.kb is head.kb or base.kb.digest == head.kb.digest
        self.same_rules = (
            base.compiled.definitions == head.compiled.definitions
            and base.compiled.rules == head.compiled.rules
            and base.compiled.chained_types == head.compiled.chained_types
        )
        self.probes = None if self.same_rules or not shortcuts else probes_for(base, head)
        self._context_b = {"kb": base.kb}
        self._context_h = {"kb": head.kb}

    def _read(self) -> set[str]:
        if self.watched is None:
            return set()
        read = set(self.watched.read)
        self.watched.read.clear()
        return read

    def compare(self, ref: int, raw: str | bytes) -> Record | None:
        """``None`` when both recommendations are the same, else what differs."""
        try:
            request_b = EvaluationRequest.model_validate_json(raw, context=self._context_b)
        except ValidationError as error:
            return Record(ref, "", "", "invalid", message=_first_problem(error))
        athlete, day = request_b.athlete.id, request_b.checkin.date.isoformat()
        request_h = request_b
        if not self.same_kb:
            try:
                request_h = EvaluationRequest.model_validate_json(raw, context=self._context_h)
            except ValidationError as error:
                change = ("error", "evaluated", f"invalid request: {_first_problem(error)}")
                return Record(ref, athlete, day, "changed", (change,))
        self._read()
        try:
            bundle_b = self.base.facts(request_b)
            firings_b = self.base.engine.run(facts_b := bundle_b.as_dicts())
        except EngineError as error:
            return self._error(ref, athlete, day, request_h, f"base: {error}")
        read = self._read()
        # The head's facts are the base's unless features read a setting the head changes.
        shared = self.same_kb and not read
        if not self.shortcuts:
            shared = False
        try:
            bundle_h: FactBundle = bundle_b if shared else self.head.facts(request_h)
            if shared and (self.same_rules or self._probes_agree(facts_b, firings_b)):
                firings_h = firings_b
            else:
                firings_h = self.head.engine.run(facts_b if shared else bundle_h.as_dicts())
        except EngineError as error:
            change = ("error", "evaluated", _short(f"head: {error}"))
            return Record(ref, athlete, day, "changed", (change,))
        same_firings = firings_b == firings_h
        if same_firings and shared and self.watched is None:
            return None
        plan_b = self.base.plan(request_b, bundle_b, firings_b)
        read |= self._read()
        if same_firings and shared and not read:
            return None  # the planner read no setting that differs: same plan
        plan_h = self.head.plan(request_h, bundle_h, firings_h)
        changes = diff_recommendations(plan_b, plan_h)
        rules = responsible_rules(firings_b, firings_h)
        rules.extend(f"{SETTING_PREFIX}{key}" for key in sorted(read))
        if not self.same_kb:
            rules.append("knowledge base")
        if changes:
            return Record(ref, athlete, day, "changed", tuple(changes), tuple(rules))
        if not same_firings:
            return Record(ref, athlete, day, "trace", rules=tuple(rules))
        return None

    def _probes_agree(self, facts: list[dict[str, Any]], firings: list[Firing]) -> bool:
        return self.probes is not None and probes_agree(self.probes, facts, firings)

    def _error(
        self, ref: int, athlete: str, day: str, request_h: EvaluationRequest, message: str
    ) -> Record:
        try:
            self.head.evaluate(request_h)
        except EngineError as error:
            return Record(ref, athlete, day, "invalid", message=_short(f"{message}; head: {error}"))
        change = ("error", _short(message), "evaluated")
        return Record(ref, athlete, day, "changed", (change,))

    def compare_chunk(self, chunk: list[Item]) -> tuple[int, list[Record]]:
        records = []
        for ref, raw in chunk:
            try:
                record = self.compare(ref, raw)
            except Exception as error:  # one bad request must not lose a long replay
                message = _short(f"{type(error).__name__}: {error}")
                record = Record(ref, "", "", "invalid", message=message)
            if record is not None:
                records.append(record)
        return len(chunk), records
