"""The checker: every invariant against the rule cases and many generated requests; each failure
shrunk by hypothesis and trimmed to a minimal counterexample."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.contract.errors import InputError
from engine.contract.models import EvaluationRequest
from engine.core.evaluator import Evaluator
from engine.ruletools.cases import case_request
from engine.ruletools.invariants.determinism import Violation, run_search, shrink_toward
from engine.ruletools.invariants.evaluate import check_request
from engine.ruletools.invariants.shrinking import request_yaml, trim
from engine.ruletools.invariants.spec import ENGINE_ID, LoadedInvariant
from engine.ruletools.invariants.strategies import request_strategy


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
            out.append((name, case_request(ruleset.base_request, given_changes, evaluator)))
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
            raise Violation(target)

    test = run_search(strategy, probe, examples, seed)

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
            smaller = shrink_toward(test, state, key)
            if smaller is not None:  # else report the request as first found
                minimal, shrunk = smaller, True

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
