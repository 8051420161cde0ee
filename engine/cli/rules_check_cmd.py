"""``runstrong rules check``: the safety invariants against many generated requests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from engine.cli.options import (
    EXIT_FAILED_CHECK,
    echo_json,
    fail_input,
    format_option,
    kb_option,
    rules_option,
)
from engine.cli.parsing import ASCII_INT, AsciiIntRange
from engine.evaluation.evaluators import get_evaluator

if TYPE_CHECKING:
    from engine.ruletools.invariants import CheckReport, InvariantResult


def _applied(result: InvariantResult, requests: int) -> str:
    if result.id == "ENGINE":
        return "evaluation raised an error"
    if result.applied == 0:
        return f"never applied: none of the {requests} requests met its conditions"
    return f"applied to {result.applied} of {requests} requests"


def _text(report: CheckReport) -> str:
    lines = []
    requests = report.examples + report.cases
    for result in report.results:
        verdict = "pass" if result.passed else "FAIL"
        lines.append(f"{verdict}  {result.id}  {result.name}  ({_applied(result, requests)})")
    for failure in report.failures:
        lines += [
            "",
            f"FAIL {failure.invariant} {failure.name} ({failure.location})",
            f"  {failure.summary}",
            "  what does not hold:",
            *(f"    {line}" for line in failure.lines),
            "  minimal request (save it and run 'runstrong evaluate --input FILE'):"
            if failure.origin == "generated"
            else f"  failing request, from {failure.origin}, trimmed to what the failure needs:",
            *(f"    {line}" for line in failure.request_yaml().splitlines()),
        ]
    failed = len(report.failures)
    seed = "derandomized" if report.seed is None else f"seed {report.seed}"
    lines += [
        "",
        f"{len(report.results)} invariants, {report.examples} generated requests ({seed}) "
        f"and {report.cases} from rule cases: {len(report.results) - failed} passed, "
        f"{failed} failed",
    ]
    return "\n".join(lines)


def _json(report: CheckReport) -> dict[str, Any]:
    return {
        "examples": report.examples,
        "cases": report.cases,
        "seed": report.seed,
        "passed": report.passed,
        "invariants": [
            {
                "id": result.id,
                "name": result.name,
                "summary": result.summary,
                "location": result.location,
                "passed": result.passed,
                "applied": result.applied,
                "failure": None
                if result.failure is None
                else {
                    "lines": list(result.failure.lines),
                    "shrunk": result.failure.shrunk,
                    "origin": result.failure.origin,
                    "request": result.failure.request.model_dump(
                        mode="json", by_alias=True, exclude_defaults=True
                    ),
                },
            }
            for result in report.results
        ],
    }


@click.command(
    "check",
    epilog="""Generates valid requests from the knowledge base (hypothesis), evaluates each
with the rules, and checks every invariant of rules/invariants.yaml (or --invariants); the
requests of the rule cases and scenarios are checked too. The season invariants of
rules/season_invariants.yaml run over generated seasons of several weeks (the athlete doing
what was recommended), and a failure prints the shortest season found, day by day. A
violated invariant is shown with the expectations that do not hold and a minimal request as
YAML. The same options give the
same requests every run. Exit status: 0 all hold, 1 an invariant fails, 2 bad input (rules or
invariants file, with file and line).

\b
Examples:
  runstrong rules check
  runstrong rules check --examples 2000 --seed 7
  runstrong rules check -k INV01
  runstrong rules check --rules ./my-rules --format json
""",
)
@rules_option
@kb_option
@click.option(
    "--invariants",
    "invariants_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Invariants file to check instead of the rule directory's invariants.yaml.",
)
@click.option(
    "-k",
    "pattern",
    help="Only the invariants whose id or name contains this (INV01, hiit ...).",
)
@click.option(
    "--examples",
    type=AsciiIntRange(min=1),
    default=300,
    show_default=True,
    help="How many requests to generate.",
)
@click.option(
    "--seed",
    type=ASCII_INT,
    default=None,
    help="Seed for the generated requests (default: derandomized, fixed for CI).",
)
@format_option
def check_command(
    rules_dir: Path | None,
    kb_dir: Path | None,
    invariants_file: Path | None,
    pattern: str | None,
    examples: int,
    seed: int | None,
    output_format: str,
) -> None:
    """Check the safety invariants against many generated requests."""
    try:
        from engine.ruletools.invariants import invariants_for, run_check
    except ImportError as error:  # hypothesis comes with the test extra
        fail_input(
            f"'rules check' needs {error.name or 'hypothesis'}: pip install 'runstrong[test]'"
        )
        return
    evaluator = get_evaluator(rules_dir, kb_dir)
    invariants = invariants_for(evaluator, invariants_file)
    from engine.ruletools.season.check import (
        load_season_invariants,
        run_season_check,
        with_season_results,
    )

    seasonal = load_season_invariants(evaluator.ruleset.root, evaluator.kb)
    if pattern:
        invariants = [
            loaded
            for loaded in invariants
            if pattern.lower() in loaded.spec.id.lower() or pattern in loaded.spec.name
        ]
        seasonal = [s for s in seasonal if pattern.lower() in s.id.lower() or pattern in s.name]
        if not invariants and not seasonal:
            fail_input(f"no invariant matches {pattern!r}")
            return

    def progress(message: str) -> None:
        if output_format == "text":
            click.echo(message, err=True)

    report = run_check(evaluator, invariants, examples=examples, seed=seed, progress=progress)
    if seasonal:  # season invariants and the enrolment order (rules/season_invariants.yaml)
        progress("checking the season invariants on generated seasons")
        season = run_season_check(evaluator, examples=examples, seed=seed, pattern=pattern)
        report = with_season_results(report, season)
    if output_format == "json":
        echo_json(_json(report))
    else:
        click.echo(_text(report))
    if not report.passed:
        raise SystemExit(EXIT_FAILED_CHECK)
