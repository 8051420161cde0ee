"""``runstrong evaluate``: one stateless evaluation per request."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.core import ParameterSource

from engine.app.batch import evaluate_lines, is_json_lines
from engine.cli.options import EXIT_BAD_INPUT, format_option, kb_option, rules_option
from engine.contract.models import EvaluationRequest
from engine.core.evaluator import Evaluator
from engine.evaluation.evaluators import get_evaluator
from engine.loading.inputs import parse_documents, read_text
from engine.views.cards import recommendation_text


@click.command(
    "evaluate",
    epilog="""Input is one request as YAML or JSON, or JSON Lines with one request per line
(a .jsonl file, or lines that are each a JSON object). A batch prints one JSON object per line
(or, with --format text given, one card per request); a bad line is reported on stderr with its
line number and field, every other line is still evaluated, and the exit status is then 2.
A JSON Lines batch is evaluated on every core (--workers), its results in input order.
Same input, same output.

\b
Examples:
  runstrong evaluate --input request.yaml
  runstrong evaluate --input requests.jsonl > recommendations.jsonl
  runstrong evaluate --input requests.jsonl --workers 1
  runstrong evaluate --input requests.jsonl --format text
  cat request.json | runstrong evaluate --input - --format json
""",
)
@click.option("--input", "source", required=True, help="Request file, or - for standard input.")
@format_option
@rules_option
@kb_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes for a JSON Lines batch (default: one per core).",
)
@click.pass_context
def evaluate_command(
    ctx: click.Context,
    source: str,
    output_format: str,
    rules_dir: Path | None,
    kb_dir: Path | None,
    workers: int | None,
) -> None:
    """Recommend the next session for a request, with the reasons."""
    evaluator = get_evaluator(rules_dir, kb_dir, tests=False)
    text, name = read_text(source)
    if is_json_lines(text, name):
        # A batch is JSON unless text was asked for by name (the default stays JSON Lines).
        cards = (
            output_format == "text"
            and ctx.get_parameter_source("output_format") != ParameterSource.DEFAULT
        )
        if cards:
            _evaluate_batch(text, name, evaluator, cards)
        else:
            _evaluate_batch_json(text, name, evaluator, workers)
        return
    requests, _ = parse_documents(text, name, EvaluationRequest, {"kb": evaluator.kb})
    recommendation = evaluator.evaluate(requests[0])
    if output_format == "json":
        click.echo(recommendation.model_dump_json(by_alias=True, indent=2))
    else:
        click.echo(recommendation_text(recommendation))


def _evaluate_batch(text: str, name: str, evaluator: Evaluator, cards: bool) -> None:
    """Print each good line's result as it comes; report the bad lines; exit 2 if any."""
    failed = 0
    printed = 0
    for result in evaluate_lines(text, name, evaluator):
        if result.recommendation is None:
            failed += 1
            for problem in result.problems:
                click.echo(f"error: {problem}", err=True)
            continue
        if cards:
            if printed:
                click.echo("")
            click.echo(recommendation_text(result.recommendation))
        else:
            click.echo(result.recommendation.model_dump_json(by_alias=True))
        printed += 1
    _exit_if_failed(failed, name)


def _evaluate_batch_json(text: str, name: str, evaluator: Evaluator, workers: int | None) -> None:
    """A batch as JSON Lines, on every core: the same lines and problems, in the same order."""
    from engine.app.batch_workers import evaluate_lines_on_cores

    failed = 0
    for result in evaluate_lines_on_cores(text, name, evaluator, workers):
        if result.json is None:
            failed += 1
            for problem in result.problems:
                click.echo(f"error: {problem}", err=True)
            continue
        click.echo(result.json)
    _exit_if_failed(failed, name)


def _exit_if_failed(failed: int, name: str) -> None:
    if failed:
        click.echo(f"error: {failed} line(s) of {name} failed; the others were evaluated", err=True)
        sys.exit(EXIT_BAD_INPUT)
