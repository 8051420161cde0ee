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

Conditions and expectations use the path language of :mod:`engine.ruletools.paths` (such as
``progressions[ladder=pistol_squat].action``) and the document operators of
:mod:`engine.rulebook.operators` (``eq ne lt lte gt gte in not_in contains not_contains
present``, the same as rule cases), with ``{setting: key}`` operands. An invariant
with ``for_each: <path with [*]>`` is checked once per item (``item`` in its paths), and an
item's value can pick list entries: ``progressions[ladder={item.ladder}]``.

Nothing here is ``eval``ed: an invariant can only say what this language lets it say.

The checker (:func:`run_check`, :func:`check_invariants`) evaluates the requests of the rule
directory's cases and scenarios and many valid requests generated from the knowledge base with
hypothesis, and checks every invariant on each. A violated invariant's request is shrunk by
hypothesis, then trimmed (:func:`trim`) to a minimal counterexample. An evaluation that raises
is reported as the pseudo-invariant ``ENGINE``. Runs are deterministic (derandomized, or a fixed
seed, whatever modules are imported) and write no example database.

One module per job: :mod:`.spec` (the format), :mod:`.scopes` (what invariants add to paths),
:mod:`.loading`, :mod:`.evaluate` (one evaluation's verdicts), :mod:`.strategies` (hypothesis),
:mod:`.shrinking`, :mod:`.determinism` (settings, and the one reach into hypothesis internals),
:mod:`.runner`.

The names below are imported on first use (PEP 562): the review commands check an amendment
against the invariants, and importing hypothesis for that would cost every start-up 0.4 s.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.ruletools.invariants.determinism import (
        Violation,
        check_settings,
        run_search,
        shrink_toward,
        without_local_constants,
    )
    from engine.ruletools.invariants.evaluate import (
        Verdict,
        build_document,
        check_request,
        condition_lines,
        evaluate_invariant,
    )
    from engine.ruletools.invariants.loading import invariants_for, invariants_path, load_invariants
    from engine.ruletools.invariants.runner import (
        CheckReport,
        Failure,
        InvariantResult,
        case_requests,
        check_invariants,
        run_check,
    )
    from engine.ruletools.invariants.shrinking import request_data, request_yaml, trim
    from engine.ruletools.invariants.spec import ENGINE_ID, InvariantSpec, LoadedInvariant
    from engine.ruletools.invariants.strategies import request_strategy

# name -> the submodule that defines it
_EXPORTS = {
    "CheckReport": "runner",
    "ENGINE_ID": "spec",
    "Failure": "runner",
    "InvariantResult": "runner",
    "InvariantSpec": "spec",
    "LoadedInvariant": "spec",
    "Verdict": "evaluate",
    "Violation": "determinism",
    "build_document": "evaluate",
    "case_requests": "runner",
    "check_invariants": "runner",
    "check_request": "evaluate",
    "check_settings": "determinism",
    "condition_lines": "evaluate",
    "evaluate_invariant": "evaluate",
    "invariants_for": "loading",
    "invariants_path": "loading",
    "load_invariants": "loading",
    "request_data": "shrinking",
    "request_strategy": "strategies",
    "request_yaml": "shrinking",
    "run_check": "runner",
    "run_search": "determinism",
    "shrink_toward": "determinism",
    "trim": "shrinking",
    "without_local_constants": "determinism",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


# The names of _EXPORTS, spelled out because mypy and ruff read a literal list.
__all__ = [
    "ENGINE_ID",
    "CheckReport",
    "Failure",
    "InvariantResult",
    "InvariantSpec",
    "LoadedInvariant",
    "Verdict",
    "Violation",
    "build_document",
    "case_requests",
    "check_invariants",
    "check_request",
    "check_settings",
    "condition_lines",
    "evaluate_invariant",
    "invariants_for",
    "invariants_path",
    "load_invariants",
    "request_data",
    "request_strategy",
    "request_yaml",
    "run_check",
    "run_search",
    "shrink_toward",
    "trim",
    "without_local_constants",
]
