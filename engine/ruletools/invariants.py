"""Safety invariants: properties every recommendation must keep, declared as data and checked
against many generated requests (the engine behind ``runstrong rules check``).

``rules/invariants.yaml`` holds the invariants; its comment header is the format's guide. In
short, an invariant says "when these conditions hold, these expectations hold", over one
document per evaluation::

    request          the request, as JSON
    features         the features the rules saw (recommendation.features)
    recommendation   the recommendation as JSON, with the views of engine.ruletools.cases
                     (exercises, fired) and two more: session_exercises (every exercise of
                     the session, flattened, with load_pct_1rm_max and its knowledge-base
                     category, patterns, region and load) and session_program (the session's
                     program from the knowledge base: lower_body, counts_as_hiit ...)

Conditions and expectations use the expectation language of :mod:`engine.ruletools.cases`
(paths such
as ``progressions[ladder=pistol_squat].action``, operators ``eq ne lt lte gt gte contains
not_contains present``), plus ``in`` / ``not_in`` and ``{setting: key}`` operands. An invariant
with ``for_each: <path with [*]>`` is checked once per item (``item`` in its paths), and an
item's value can pick list entries: ``progressions[ladder={item.ladder}]``.

Nothing here is ``eval``ed: an invariant can only say what this language lets it say.

The checker (:func:`run_check`, :func:`check_invariants`) evaluates the requests of the rule
directory's cases and scenarios and many valid requests generated from the knowledge base with
hypothesis, and checks every invariant on each. A violated invariant's request is shrunk by
hypothesis, then trimmed (:func:`trim`) to a minimal counterexample. An evaluation that raises
is reported as the pseudo-invariant ``ENGINE``. Runs are deterministic (derandomized, or a fixed
seed, whatever modules are imported) and write no example database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_args

import yaml
from hypothesis import HealthCheck, Phase, Verbosity, given
from hypothesis import seed as hypothesis_seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.contract.errors import InputError, Problem
from engine.contract.models import SESSION_KINDS, EvaluationRequest, PainArea, Recommendation
from engine.core.evaluator import Evaluator
from engine.knowledge.base import KnowledgeBase
from engine.loading.yamlio import LocatedData, format_loc, load_yaml_file, validate_located
from engine.rulebook.spec import Scalar, SettingRef
from engine.ruletools.cases import build_request, check, document_for, resolve

INVARIANTS_FILE = "invariants.yaml"
ROOTS = ("request", "features", "recommendation")
ITEM = "item"
ENGINE_ID = "ENGINE"

# --- the format ---------------------------------------------------------------------------------

InvariantId = Annotated[str, Field(pattern=r"^INV[0-9]{2,3}$")]
InvariantName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
PathText = Annotated[str, Field(min_length=1, max_length=300)]
Operand = Scalar | SettingRef
ItemMatch = Scalar | dict[str, Scalar]


class InvModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class Expectation(InvModel):
    """Operators on one path; several operators must all hold."""

    eq: Operand | list[Scalar] | None = None
    ne: Operand | list[Scalar] | None = None
    lt: Operand | None = None
    lte: Operand | None = None
    gt: Operand | None = None
    gte: Operand | None = None
    in_: list[Operand] | None = Field(default=None, alias="in", min_length=1)
    not_in: list[Operand] | None = Field(default=None, min_length=1)
    # A list holding this value, or (for a list of mappings) an item with these fields;
    # a substring for text.
    contains: ItemMatch | None = None
    not_contains: ItemMatch | None = None
    present: bool | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Expectation:
        if not self.operators():
            raise ValueError("a test needs at least one operator (eq, lt, contains, ...)")
        return self

    def operators(self) -> dict[str, Any]:
        ops = {
            "eq": self.eq,
            "ne": self.ne,
            "lt": self.lt,
            "lte": self.lte,
            "gt": self.gt,
            "gte": self.gte,
            "in": self.in_,
            "not_in": self.not_in,
            "contains": self.contains,
            "not_contains": self.not_contains,
            "present": self.present,
        }
        return {name: value for name, value in ops.items() if value is not None}


# A bare value is shorthand for ``{eq: value}``.
Condition = Expectation | Scalar
Conditions = dict[PathText, Condition]


class InvariantSpec(InvModel):
    id: InvariantId
    name: InvariantName
    summary: Annotated[str, Field(min_length=10)]
    why: Annotated[str, Field(min_length=10)]
    # Knowledge-base fact or default ids, as for rules. Required, and empty only for a
    # property of the engine's own contract that rests on no article (``why`` says so).
    sources: list[str]
    catalogue: list[str] = Field(default_factory=list)
    # Check once per item of this path (``[*]`` iterates a list or a mapping's values).
    for_each: PathText | None = None
    # Every condition must hold (and one group of any_of, if given) for the invariant to apply.
    when: Conditions = Field(default_factory=dict)
    any_of: list[Conditions] = Field(default_factory=list)
    # What must then hold: one mapping, or a list of them (to test one path twice).
    then: Conditions | list[Conditions]

    @model_validator(mode="after")
    def _has_expectations(self) -> InvariantSpec:
        if not any(self.expectations()):
            raise ValueError("'then' needs at least one expectation")
        return self

    def expectations(self) -> list[Conditions]:
        return list(self.then) if isinstance(self.then, list) else [self.then]


class InvariantFile(InvModel):
    """``rules/invariants.yaml``."""

    description: str | None = None
    invariants: Annotated[list[InvariantSpec], Field(min_length=1)]


@dataclass(frozen=True)
class LoadedInvariant:
    spec: InvariantSpec
    file: str
    line: int | None


# --- paths --------------------------------------------------------------------------------------

_SEGMENT = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)(?:\[(?P<select>[^\[\]]+)\])?$")
_INTERPOLATION = re.compile(r"\{(item(?:\.[a-z_][a-z0-9_]*)+)\}")


def split_path(path: str) -> list[str]:
    """Split on dots outside brackets: ``a[x={item.b}].c`` -> ``["a[x={item.b}]", "c"]``."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in path:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def path_problem(path: str, *, for_each: bool, iterate: bool = False) -> str | None:
    """Why this path cannot be used here, or None."""
    segments = split_path(path)
    for segment in segments:
        match = _SEGMENT.match(segment)
        if match is None:
            return f"bad path segment {segment!r} (name, or name[key=value], name[0], name[*])"
        select = match["select"]
        if select == "*" and not iterate:
            return "[*] is only allowed in for_each"
        if select and _INTERPOLATION.search(select) and not for_each:
            return "{item...} needs for_each"
    roots = (*ROOTS, ITEM) if for_each and not iterate else ROOTS
    root = _SEGMENT.match(segments[0])
    if root is not None and root["name"] == ITEM and not for_each:
        return "'item' paths need for_each"
    if root is None or root["name"] not in roots:
        return f"a path starts with one of: {', '.join(roots)}"
    if iterate and not any(segment.endswith("[*]") for segment in segments):
        return "for_each needs a [*] to iterate over"
    return None


def _is_missing(value: Any) -> bool:
    # engine.ruletools.cases.resolve returns a bare object() for a path that leads nowhere.
    return value.__class__ is object


def _interpolate(path: str, scope: Mapping[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        value = resolve(scope, match[1])
        return "<absent>" if _is_missing(value) else str(value)

    return _INTERPOLATION.sub(replace, path)


def expand(document: Mapping[str, Any], path: str) -> list[tuple[str, Any]]:
    """Every item a ``for_each`` path names, with a label saying where it is."""
    nodes: list[tuple[str, Any]] = [("", document)]
    for segment in split_path(path):
        out: list[tuple[str, Any]] = []
        for label, node in nodes:
            prefix = f"{label}." if label else ""
            if segment.endswith("[*]"):
                name = segment[:-3]
                child = resolve(node, name)
                if isinstance(child, list):
                    out.extend((f"{prefix}{name}[{i}]", item) for i, item in enumerate(child))
                elif isinstance(child, dict):
                    out.extend((f"{prefix}{name}.{key}", item) for key, item in child.items())
            else:
                child = resolve(node, segment)
                if not _is_missing(child):
                    out.append((f"{prefix}{segment}", child))
        nodes = out
    return nodes


# --- evaluation ---------------------------------------------------------------------------------


def build_document(
    request: EvaluationRequest, recommendation: Recommendation, kb: KnowledgeBase
) -> dict[str, Any]:
    """The document invariants read: request, features, and the recommendation with views."""
    fired = list(dict.fromkeys(entry.rule for entry in recommendation.rationale))
    rec = document_for(recommendation, fired)
    exercises: list[dict[str, Any]] = []
    for b_index, block in enumerate(rec["session"]["blocks"]):
        for e_index, item in enumerate(block["exercises"]):
            pct = item.get("load_pct_1rm")
            known = kb.exercises.get(item["id"])
            exercises.append(
                {
                    **item,
                    "at": f"session.blocks[{b_index}].exercises[{e_index}]",
                    "block": block["name"],
                    "role": block["role"],
                    "load_pct_1rm_max": pct[1] if isinstance(pct, list) else pct,
                    "kb": None
                    if known is None
                    else {
                        "category": known.category,
                        "patterns": list(known.patterns),
                        "region": known.region,
                        "load": known.load,
                    },
                }
            )
    rec["session_exercises"] = exercises
    program = kb.programs.get(rec["session"].get("program") or "")
    if program is not None:
        variants = {variant.id: variant for variant in program.variants}
        variant = variants.get(rec["session"].get("variant") or program.default_variant)
        rec["session_program"] = {
            "id": program.id,
            "variant": variant.id if variant else None,
            "session_kind": program.session_kind,
            "lower_body": program.lower_body,
            "counts_as_hiit": bool(variant and variant.counts_as_hiit),
        }
    return {
        "request": request.model_dump(mode="json", by_alias=True),
        "features": rec["features"],
        "recommendation": rec,
    }


def _setting(value: Any, settings: Mapping[str, Any]) -> Any:
    if isinstance(value, SettingRef):
        return settings[value.setting]
    if isinstance(value, list):
        return [_setting(item, settings) for item in value]
    return value


def _same(got: Any, wanted: Any) -> bool:
    """Equal, without letting true stand for 1 (or false for 0)."""
    return bool(got == wanted) and isinstance(got, bool) == isinstance(wanted, bool)


def condition_lines(
    scope: Mapping[str, Any], path: str, condition: Condition, settings: Mapping[str, Any]
) -> list[str]:
    """What does not hold of one condition, as readable lines (none: it holds)."""
    path = _interpolate(path, scope)
    operators = condition.operators() if isinstance(condition, Expectation) else {"eq": condition}
    document = dict(scope)
    lines: list[str] = []
    for op, operand in operators.items():
        wanted = _setting(operand, settings)
        if op in {"in", "not_in"}:
            got = resolve(document, path)
            inside = not _is_missing(got) and any(_same(got, option) for option in wanted)
            if inside != (op == "in"):
                shown = "(absent)" if _is_missing(got) else repr(got)
                lines.append(f"{path}: expected {op} {wanted!r}, got {shown}")
        else:
            lines.extend(check(document, {path: {op: wanted}}))
    return lines


def _group_holds(
    scope: Mapping[str, Any], conditions: Conditions, settings: Mapping[str, Any]
) -> bool:
    return all(
        not condition_lines(scope, path, condition, settings)
        for path, condition in conditions.items()
    )


def applies(spec: InvariantSpec, scope: Mapping[str, Any], settings: Mapping[str, Any]) -> bool:
    """Whether the invariant's conditions hold in this scope."""
    if not _group_holds(scope, spec.when, settings):
        return False
    return not spec.any_of or any(_group_holds(scope, group, settings) for group in spec.any_of)


@dataclass(frozen=True)
class Verdict:
    applied: bool  # the conditions held (for at least one item)
    failures: tuple[str, ...]  # expectations that did not hold


def evaluate_invariant(
    spec: InvariantSpec, document: Mapping[str, Any], settings: Mapping[str, Any]
) -> Verdict:
    """Check one invariant against one evaluation's document."""
    if spec.for_each is None:
        scopes: list[tuple[str, Mapping[str, Any]]] = [("", document)]
    else:
        scopes = []
        for label, item in expand(document, spec.for_each):
            shown = f"{label} ({item['id']})" if isinstance(item, dict) and "id" in item else label
            scopes.append((shown, {**document, ITEM: item}))
    applied = False
    failures: list[str] = []
    for label, scope in scopes:
        if not applies(spec, scope, settings):
            continue
        applied = True
        for expectations in spec.expectations():
            for path, condition in expectations.items():
                for line in condition_lines(scope, path, condition, settings):
                    failures.append(f"{label}: {line}" if label else line)
    return Verdict(applied, tuple(failures))


def check_request(
    evaluator: Evaluator, invariants: Sequence[LoadedInvariant], request: EvaluationRequest
) -> dict[str, Verdict]:
    """Evaluate one request and check every invariant; an engine error is its own verdict."""
    try:
        recommendation = evaluator.evaluate(request)
    except Exception as error:  # any crash on a valid request is a finding
        return {ENGINE_ID: Verdict(True, (f"evaluation raised {type(error).__name__}: {error}",))}
    document = build_document(request, recommendation, evaluator.kb)
    settings = evaluator.ruleset.settings
    return {
        loaded.spec.id: evaluate_invariant(loaded.spec, document, settings) for loaded in invariants
    }


# --- loading ------------------------------------------------------------------------------------


def _setting_refs(value: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, SettingRef):
        yield ("setting",), value.setting
    elif isinstance(value, Expectation):
        for op, operand in value.operators().items():
            for sub, key in _setting_refs(operand):
                yield (op, *sub), key
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for sub, key in _setting_refs(item):
                yield (index, *sub), key


def _check_spec(
    spec: InvariantSpec,
    located: LocatedData,
    where: tuple[str | int, ...],
    settings: Mapping[str, Any],
    kb: KnowledgeBase,
) -> list[Problem]:
    problems: list[Problem] = []

    def problem(message: str, path: tuple[str | int, ...]) -> None:
        problems.append(
            Problem(message, file=located.file, line=located.line_for(path), field=format_loc(path))
        )

    for index, source in enumerate(spec.sources):
        if not kb.is_source(source):
            problem(
                f"unknown source {source!r} (not a knowledge-base fact or default)",
                (*where, "sources", index),
            )
    for_each = spec.for_each is not None
    if spec.for_each is not None:
        reason = path_problem(spec.for_each, for_each=True, iterate=True)
        if reason:
            problem(reason, (*where, "for_each"))
    groups: list[tuple[tuple[str | int, ...], Conditions]] = [((*where, "when"), spec.when)]
    groups += [((*where, "any_of", i), group) for i, group in enumerate(spec.any_of)]
    if isinstance(spec.then, list):
        groups += [((*where, "then", i), group) for i, group in enumerate(spec.then)]
    else:
        groups.append(((*where, "then"), spec.then))
    for group_path, conditions in groups:
        for path, condition in conditions.items():
            reason = path_problem(path, for_each=for_each)
            if reason:
                problem(f"{reason}: {path!r}", (*group_path, path))
            for sub, key in _setting_refs(condition):
                if key not in settings:
                    problem(f"unknown setting {key!r}", (*group_path, path, *sub))
    return problems


def load_invariants(
    path: Path,
    settings: Mapping[str, Any],
    kb: KnowledgeBase,
    display_name: str | None = None,
) -> list[LoadedInvariant]:
    """Load and check an invariants file; InputError lists every problem with file and line."""
    located = load_yaml_file(path, display_name)
    parsed = validate_located(InvariantFile, located)
    problems: list[Problem] = []
    seen: dict[str, int | None] = {}
    loaded: list[LoadedInvariant] = []
    for index, spec in enumerate(parsed.invariants):
        where: tuple[str | int, ...] = ("invariants", index)
        line = located.line_for(where)
        for key, value in (("id", spec.id), ("name", spec.name)):
            if value in seen:
                problems.append(
                    Problem(
                        f"duplicate invariant {key} {value!r} (first at line {seen[value]})",
                        file=located.file,
                        line=located.line_for((*where, key)),
                        field=f"invariants[{index}].{key}",
                    )
                )
            seen[value] = located.line_for((*where, key))
        problems.extend(_check_spec(spec, located, where, settings, kb))
        loaded.append(LoadedInvariant(spec, located.file, line))
    if problems:
        raise InputError(problems)
    return loaded


def invariants_path(rules_root: Path) -> Path:
    return rules_root / INVARIANTS_FILE


def load_for(evaluator: Evaluator, path: Path | None = None) -> list[LoadedInvariant]:
    """The invariants of the evaluator's rule directory (or of ``path``)."""
    root = evaluator.ruleset.root
    target = path or invariants_path(root)
    display = None
    if path is None:
        display = f"rules/{INVARIANTS_FILE}"
    if not target.is_file():
        raise InputError([Problem("invariants file not found", file=display or str(target))])
    return load_invariants(target, evaluator.ruleset.settings, evaluator.kb, display)


# --- generated requests -------------------------------------------------------------------------

_PAIN_AREAS: tuple[str, ...] = get_args(PainArea)
_FREE_TEXT_PAIN = (
    "running downhill",
    "squats",
    "deadlifts",
    "lunges",
    "jumping",
    "hinging",
    "sprints",
)
# Areas some rules single out, drawn more often than the others.
_WATCHED_AREAS = ("knee", "low_back")
_UPCOMING_KINDS = ("quality_run", "long_run", "easy_run", "hiit", "strength")
_BELLS = (4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 20.0, 24.0, 28.0, 32.0)
_DUMBBELLS = (2.5, 5.0, 7.5, 10.0, 12.5, 15.0, 17.5, 20.0, 25.0)
FIRST_DAY = dt.date(2026, 1, 5)
LAST_DAY = dt.date(2026, 12, 27)


_OPTIONAL_BOOL = st.sampled_from([None, True, False])
# Strength and HIIT days are drawn more often (planned, and in the history): most rules act
# on them.
_OFTEN = ("strength", "hiit")
_PLANNED: tuple[str | None, ...] = (None, *_OFTEN, *_OFTEN, *SESSION_KINDS)


def request_strategy(kb: KnowledgeBase) -> st.SearchStrategy[EvaluationRequest]:
    """Valid requests over the knowledge base's programs, ladders, exercises and equipment.

    Every field ranges over what the contract allows (check-in scores 0-10, recovery 0-100,
    pain in every area, 0-20 sessions in the last 8 weeks ...), biased toward what the rules
    react to: strength and HIIT days, recent HIIT with its recovery checks, logs of the
    athlete's own ladder stages, loads near the 1RM, quality runs in the next four days.
    Everything shrinks toward a plain request with no history.
    """
    equipment_ids = sorted(kb.equipment)
    program_ids = sorted(kb.programs)
    ladder_ids = sorted(kb.ladders)
    exercise_ids = sorted(kb.exercises)
    external = sorted(e.id for e in kb.exercises.values() if e.load == "external")
    stage_ids = sorted({s for ladder in kb.ladders.values() for s in ladder.stage_exercises()})
    program_exercises = {
        program.id: sorted(
            {
                entry.exercise
                for variant in program.variants
                for block in variant.blocks
                for entry in block.exercises
            }
        )
        for program in kb.programs.values()
    }

    @st.composite
    def pain_reports(draw: st.DrawFn) -> dict[str, Any]:
        pain: dict[str, Any] = {
            "area": draw(st.one_of(st.sampled_from(_PAIN_AREAS), st.sampled_from(_WATCHED_AREAS))),
            "severity": draw(st.one_of(st.integers(0, 3), st.integers(0, 6), st.integers(0, 10))),
        }
        during = draw(
            st.one_of(st.none(), st.sampled_from(exercise_ids), st.sampled_from(_FREE_TEXT_PAIN))
        )
        if during is not None:
            pain["during"] = during
        return pain

    @st.composite
    def exercise_logs(
        draw: st.DrawFn, pools: tuple[Sequence[str], Sequence[str]], maxes: Mapping[str, float]
    ) -> dict[str, Any]:
        # Half the time one of the athlete's own ladder stages (their gates read these logs).
        own, others = pools
        exercise = draw(st.sampled_from(own if len(own) > 0 and draw(st.booleans()) else others))
        log: dict[str, Any] = {
            "id": exercise,
            "sets": draw(st.integers(1, 5)),
            "reps": draw(st.integers(0, 15)),
        }
        if draw(st.booleans()):  # a load, near the 1RM where there is one
            one_rm = maxes.get(exercise)
            log["load_kg"] = (
                round(one_rm * draw(st.integers(30, 100)) / 100, 1)
                if one_rm
                else float(draw(st.integers(0, 60)))
            )
        for flag in ("posture_held", "felt_easy"):
            value = draw(_OPTIONAL_BOOL)
            if value is not None:
                log[flag] = value
        return log

    @st.composite
    def sessions(
        draw: st.DrawFn, today: dt.date, own_stages: Sequence[str], maxes: Mapping[str, float]
    ) -> dict[str, Any]:
        days_ago = draw(st.one_of(st.integers(0, 6), st.integers(0, 55)))
        kind = draw(st.one_of(st.sampled_from(SESSION_KINDS), st.sampled_from(_OFTEN)))
        session: dict[str, Any] = {"date": today - dt.timedelta(days=days_ago), "kind": kind}
        hiit_like = kind == "hiit"
        if kind == "strength":  # a program, and logged exercises (ladder stages mostly)
            pool = list(stage_ids)
            program = draw(st.one_of(st.none(), st.sampled_from(program_ids)))
            if program is not None:
                session["program"] = program
                pool += program_exercises[program]
                variant = draw(st.sampled_from([None, *kb.programs[program].variants]))
                if variant is not None:
                    session["variant"] = variant.id
                    hiit_like = variant.counts_as_hiit
            session["exercises"] = draw(
                st.lists(exercise_logs((own_stages, pool), maxes), max_size=4)
            )
        if hiit_like:  # the HIIT recovery checks
            for flag in ("hr_back_to_normal", "slept_well_after", "recovered_between_intervals"):
                value = draw(_OPTIONAL_BOOL)
                if value is not None:
                    session[flag] = value
        return session

    @st.composite
    def planned_runs(draw: st.DrawFn, today: dt.date) -> dict[str, Any]:
        when: dt.date | dt.datetime
        if draw(st.booleans()):
            hours = draw(st.integers(0, 96))
            when = dt.datetime.combine(today, dt.time()) + dt.timedelta(hours=hours)
        else:
            when = today + dt.timedelta(days=draw(st.integers(0, 4)))
        kind = draw(
            st.one_of(st.sampled_from(_UPCOMING_KINDS[:2]), st.sampled_from(_UPCOMING_KINDS))
        )
        return {"date": when, "kind": kind}

    @st.composite
    def requests(draw: st.DrawFn) -> EvaluationRequest:
        today = draw(st.dates(FIRST_DAY, LAST_DAY))
        # Mostly everything (so most sessions can be built) or a subset; shrinks toward none.
        owned = draw(st.sampled_from(["none", "all", "all", "some", "some"]))
        equipment = list(equipment_ids) if owned == "all" else []
        if owned == "some":
            equipment = [item for item in equipment_ids if draw(st.booleans())]
        maxes = draw(
            st.dictionaries(st.sampled_from(external), st.integers(8, 200).map(float), max_size=8)
        )
        # Some of the programs, or just one (then it is what a strength day is made of).
        if draw(st.sampled_from(["some", "one"])) == "one":
            programs = [draw(st.sampled_from(program_ids))]
        else:
            programs = [item for item in program_ids if draw(st.integers(0, 2)) == 2]
        ladders: dict[str, Any] = {}
        for ladder_id in ladder_ids:
            if not draw(st.booleans()):
                continue
            ladder = kb.ladders[ladder_id]
            stage = draw(st.sampled_from(ladder.stage_exercises()))
            stage_spec = next((s for s in ladder.stages if s.exercise == stage), None)
            helps = [item.id for item in stage_spec.assistance] if stage_spec else []
            position: dict[str, Any] = {
                "stage": stage,
                "since": today - dt.timedelta(days=draw(st.integers(0, 120))),
            }
            if len(helps) > 0 and draw(st.booleans()):
                position["assistance"] = draw(st.sampled_from(helps))
            ladders[ladder_id] = position
        athlete: dict[str, Any] = {
            "id": "generated",
            "level": draw(st.sampled_from(["intermediate", "beginner", "advanced"])),
            "equipment": equipment,
            "programs": [{"id": item, "week": draw(st.integers(1, 4))} for item in programs],
            "ladders": ladders,
            "has_coach": draw(st.booleans()),
        }
        if maxes:
            athlete["one_rep_max_kg"] = maxes
        for key, sizes in (("kettlebells_kg", _BELLS), ("dumbbells_kg", _DUMBBELLS)):
            if draw(st.booleans()):
                chosen = draw(st.lists(st.sampled_from(sizes), min_size=1, max_size=6, unique=True))
                athlete[key] = sorted(chosen)

        checkin: dict[str, Any] = {
            "date": today,
            "recovery_pct": draw(
                st.one_of(st.integers(80, 100), st.integers(50, 100), st.integers(0, 100))
            ),
            "slept_well": draw(st.booleans()),
            "soreness": draw(st.integers(0, 10)),
            "life_stress": draw(st.one_of(st.integers(0, 6), st.integers(0, 10))),
            "pain": draw(st.lists(pain_reports(), max_size=3)),
        }
        planned = draw(st.sampled_from(_PLANNED))
        if planned is not None:
            checkin["planned"] = planned
        own_stages = [position["stage"] for position in ladders.values()]
        history = draw(st.lists(sessions(today, own_stages, maxes), max_size=20))
        history.sort(key=lambda item: item["date"])
        upcoming = draw(st.lists(planned_runs(today), max_size=3))
        data = {"athlete": athlete, "checkin": checkin, "history": history, "upcoming": upcoming}
        return EvaluationRequest.model_validate(data, context={"kb": kb})

    return requests()


def request_data(request: EvaluationRequest) -> dict[str, Any]:
    """A request without the fields at their defaults: the short form of a counterexample."""
    data: dict[str, Any] = request.model_dump(mode="python", by_alias=True, exclude_defaults=True)
    return data


def request_yaml(request: EvaluationRequest) -> str:
    return yaml.safe_dump(request_data(request), sort_keys=False, allow_unicode=True, width=100)


def _removals(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every mapping key and list item of ``data``, outermost first."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key)
            yield from _removals(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield (*path, index)
            yield from _removals(value, (*path, index))


def _without(data: Any, path: tuple[str | int, ...]) -> Any:
    if len(path) == 1:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if key != path[0]}
        return [value for index, value in enumerate(data) if index != path[0]]
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _without(data[head], rest)}
    return [_without(value, rest) if index == head else value for index, value in enumerate(data)]


def trim(
    request: EvaluationRequest, kb: KnowledgeBase, fails: Callable[[EvaluationRequest], bool]
) -> EvaluationRequest:
    """Drop every field and list item the failure does not need, one at a time.

    Hypothesis' shrinker can stop in a local minimum (a session it could not delete); this
    pass makes the counterexample 1-minimal: removing any one more thing makes it valid or
    makes the failure go away.
    """
    data = request_data(request)
    progress = True
    while progress:
        progress = False
        for path in _removals(data):
            trial = _without(data, path)
            try:
                candidate = EvaluationRequest.model_validate(trial, context={"kb": kb})
            except ValidationError:
                continue
            if fails(candidate):
                data, request, progress = trial, candidate, True
                break
    return request


# --- the checker --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """A violated invariant with its minimal counterexample."""

    invariant: str
    name: str
    summary: str
    location: str
    lines: tuple[str, ...]
    request: EvaluationRequest
    # False when hypothesis could not shrink it (found in a rule case, or not replayable):
    # the request is then the one found, with what the failure does not need dropped.
    shrunk: bool = True
    # "generated", or the rule case or scenario whose request failed.
    origin: str = "generated"

    def request_yaml(self) -> str:
        return request_yaml(self.request)


@dataclass(frozen=True)
class InvariantResult:
    id: str
    name: str
    summary: str
    location: str
    applied: int  # generated requests the invariant's conditions held for
    failure: Failure | None

    @property
    def passed(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class CheckReport:
    examples: int  # generated requests
    seed: int | None
    results: tuple[InvariantResult, ...]
    cases: int = 0  # requests of the rule directory's cases and scenarios, checked as well

    @property
    def failures(self) -> list[Failure]:
        return [result.failure for result in self.results if result.failure is not None]

    @property
    def passed(self) -> bool:
        return not self.failures


class _Violation(Exception):
    """Raised inside the hypothesis test when the targeted invariant fails."""


@contextmanager
def _without_local_constants() -> Iterator[None]:
    """Generate from the seed alone, whatever modules happen to be imported.

    Recent hypothesis versions mix literals found in the caller's own (non-installed) modules
    into what they generate, so the same seed would give different requests depending on which
    engine modules a test session or command has imported so far. For the duration of a check
    that pool is empty. This reaches into hypothesis internals, so it does nothing on a version
    without them.
    """
    from hypothesis.internal.conjecture import providers

    getter = getattr(providers, "_get_local_constants", None)
    constants = getattr(providers, "Constants", None)
    cache: Any = getattr(getattr(providers, "CONSTANTS_CACHE", None), "cache", None)
    if getter is None or constants is None or cache is None:
        yield
        return
    empty = constants()

    def no_local_constants() -> Any:
        return empty

    cache.clear()
    setattr(providers, "_get_local_constants", no_local_constants)  # noqa: B010
    try:
        yield
    finally:
        setattr(providers, "_get_local_constants", getter)  # noqa: B010
        cache.clear()


def _hypothesis_settings(examples: int, seed: int | None) -> hypothesis_settings:
    return hypothesis_settings(
        max_examples=examples,
        derandomize=seed is None,
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
    )


def case_requests(evaluator: Evaluator) -> list[tuple[str, EvaluationRequest]]:
    """The request of every rule case and scenario of the evaluator's rule directory."""
    ruleset = evaluator.ruleset
    named: list[tuple[str, dict[str, Any]]] = [
        (f"{loaded.rule}::{loaded.name}", loaded.case.given) for loaded in ruleset.cases
    ]
    named += [(f"scenario:{loaded.name}", loaded.scenario.given) for loaded in ruleset.scenarios]
    out: list[tuple[str, EvaluationRequest]] = []
    for name, given_changes in named:
        try:
            out.append((name, build_request(ruleset.base_request, given_changes, evaluator)))
        except InputError:
            continue  # a broken case is 'rules test''s to report
    return out


def run_check(
    evaluator: Evaluator,
    invariants: Sequence[LoadedInvariant],
    examples: int = 300,
    seed: int | None = None,
    progress: Callable[[str], None] | None = None,
    cases: bool = True,
) -> CheckReport:
    """Check every invariant against ``examples`` generated requests (and the rule cases).

    The requests of the rule directory's cases and scenarios are checked first: hand-made
    situations at every rule's boundary. Then one pass generates the requests and checks them
    all. For each invariant that failed, a second run replays the same generation (same seed)
    until it fails again and lets hypothesis shrink the request; :func:`trim` then drops
    anything the failure does not need, and the result is re-evaluated for the report.
    """
    strategy = request_strategy(evaluator.kb)
    applied: Counter[str] = Counter()
    first_failing: dict[str, EvaluationRequest] = {}
    origins: dict[str, str] = {}
    state: dict[str, Any] = {"target": None, "last": None, "count": 0}

    case_failing: dict[str, EvaluationRequest] = {}
    curated = case_requests(evaluator) if cases else []
    for name, request in curated:
        for key, verdict in check_request(evaluator, invariants, request).items():
            if verdict.applied:
                applied[key] += 1
            if verdict.failures and key not in case_failing:
                case_failing[key], origins[key] = request, name

    def probe(request: EvaluationRequest) -> None:
        verdicts = check_request(evaluator, invariants, request)
        target = state["target"]
        if target is None:
            state["count"] += 1
            for key, verdict in verdicts.items():
                if verdict.applied:
                    applied[key] += 1
                if verdict.failures and key not in first_failing:
                    first_failing[key] = request
            return
        outcome = verdicts.get(target)
        if outcome is not None and outcome.failures:
            state["last"] = request
            raise _Violation(target)

    test = given(strategy)(probe)
    test = _hypothesis_settings(examples, seed)(test)
    if seed is not None:
        test = hypothesis_seed(seed)(test)
    with _without_local_constants():
        test()

    specs = {loaded.spec.id: loaded for loaded in invariants}
    order = {key: index for index, key in enumerate(specs)}
    failures: dict[str, Failure] = {}
    # A generated failure is shrunk by hypothesis; one only a rule case shows is trimmed.
    for key in case_failing:
        if key in first_failing:
            del origins[key]
    found_by_key = {**case_failing, **first_failing}
    for key, found in sorted(found_by_key.items(), key=lambda item: order.get(item[0], -1)):
        if progress is not None:
            progress(f"shrinking a counterexample for {key}")
        minimal, shrunk = found, False
        if key not in origins:  # generated: let hypothesis shrink it
            state["target"], state["last"] = key, None
            try:
                with _without_local_constants():
                    test()
            except _Violation:
                if state["last"] is not None:
                    minimal, shrunk = state["last"], True
            except HypothesisException:
                pass  # not replayable (flaky): report the request as first found

        def fails(request: EvaluationRequest, key: str = key) -> bool:
            verdict = check_request(evaluator, invariants, request).get(key)
            return verdict is not None and bool(verdict.failures)

        if not fails(minimal):  # the shrunk request must reproduce; else the one found
            minimal, shrunk = found, False
        minimal = trim(minimal, evaluator.kb, fails)
        final = check_request(evaluator, invariants, minimal).get(key)
        lines = final.failures if final is not None else ()
        loaded = specs.get(key)
        failures[key] = Failure(
            invariant=key,
            name=loaded.spec.name if loaded else "engine-error",
            summary=loaded.spec.summary if loaded else "A valid request evaluates without error.",
            location=f"{loaded.file}:{loaded.line}" if loaded else "engine",
            lines=lines,
            request=minimal,
            shrunk=shrunk,
            origin=origins.get(key, "generated"),
        )

    results = [
        InvariantResult(
            id=loaded.spec.id,
            name=loaded.spec.name,
            summary=loaded.spec.summary,
            location=f"{loaded.file}:{loaded.line}",
            applied=applied[loaded.spec.id],
            failure=failures.get(loaded.spec.id),
        )
        for loaded in invariants
    ]
    if ENGINE_ID in failures:
        engine_failure = failures[ENGINE_ID]
        results.append(
            InvariantResult(
                id=ENGINE_ID,
                name=engine_failure.name,
                summary=engine_failure.summary,
                location="engine",
                applied=applied[ENGINE_ID],
                failure=engine_failure,
            )
        )
    return CheckReport(
        examples=state["count"], seed=seed, results=tuple(results), cases=len(curated)
    )


def check_invariants(
    evaluator: Evaluator,
    invariants: Sequence[LoadedInvariant],
    examples: int = 300,
    seed: int | None = None,
    cases: bool = True,
) -> list[Failure]:
    """The invariants that fail on generated requests, each with a minimal counterexample."""
    return run_check(evaluator, invariants, examples=examples, seed=seed, cases=cases).failures
