"""``runstrong evaluate``: one stateless evaluation per request."""

from __future__ import annotations

from pathlib import Path

import click

from engine.app.evaluators import get_evaluator
from engine.cli.options import fail_input, format_option, kb_option, rules_option
from engine.contract.errors import InputError
from engine.contract.models import EvaluationRequest
from engine.loading.inputs import parse_documents, read_text
from engine.views.cards import recommendation_text


@click.command(
    "evaluate",
    epilog="""Input is one request as YAML or JSON, or JSON Lines with one request per line
(then the output is one JSON object per line). Same input, same output.

\b
Examples:
  runstrong evaluate --input request.yaml
  runstrong evaluate --input requests.jsonl --format json > recommendations.jsonl
  cat request.json | runstrong evaluate --input - --format json
""",
)
@click.option("--input", "source", required=True, help="Request file, or - for standard input.")
@format_option
@rules_option
@kb_option
def evaluate_command(
    source: str, output_format: str, rules_dir: Path | None, kb_dir: Path | None
) -> None:
    """Recommend the next session for a request, with the reasons."""
    try:
        evaluator = get_evaluator(rules_dir, kb_dir)
        text, name = read_text(source)
        requests, is_lines = parse_documents(text, name, EvaluationRequest, {"kb": evaluator.kb})
    except InputError as error:
        fail_input(error)
        return
    recommendations = [evaluator.evaluate(request) for request in requests]
    if is_lines:
        for recommendation in recommendations:
            click.echo(recommendation.model_dump_json(by_alias=True))
    elif output_format == "json":
        click.echo(recommendations[0].model_dump_json(by_alias=True, indent=2))
    else:
        click.echo(recommendation_text(recommendations[0]))
