"""Check invariants against one evaluation: the document they read, their conditions, verdicts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.contract.models import EvaluationRequest, Recommendation
from engine.core.evaluator import Evaluator
from engine.knowledge.base import KnowledgeBase
from engine.rulebook.operators import holds
from engine.rulebook.spec import SettingRef
from engine.ruletools.cases import document_for
from engine.ruletools.invariants.scopes import expand, interpolate
from engine.ruletools.invariants.spec import (
    ENGINE_ID,
    ITEM,
    Condition,
    Conditions,
    Expectation,
    InvariantSpec,
    LoadedInvariant,
)
from engine.ruletools.paths import resolve


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


def condition_lines(
    scope: Mapping[str, Any], path: str, condition: Condition, settings: Mapping[str, Any]
) -> list[str]:
    """What does not hold of one condition, as readable lines (none: it holds)."""
    path = interpolate(path, scope)
    operators = condition.operators() if isinstance(condition, Expectation) else {"eq": condition}
    got = resolve(dict(scope), path)
    lines: list[str] = []
    for op, operand in operators.items():
        wanted = _setting(operand, settings)
        if not holds(op, got, wanted):
            lines.append(f"{path}: expected {op} {wanted!r}, got {got!r}")
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
