"""Evaluate a JSON Lines batch line by line: every good line gives a result, every bad one a
located problem, and one bad line never costs the others.

A line can fail three ways: it is not JSON, it is not a valid request (the problem names the
field), or the evaluation itself fails (an engine error, or an unexpected error on an input the
contract let through). Each is reported with the file and line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import ValidationError

from engine.contract.errors import Problem
from engine.contract.models import EvaluationRequest, Recommendation
from engine.core.evaluator import Evaluator
from engine.loading.inputs import looks_like_json_lines
from engine.loading.yamlio import problems_from_validation

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LineResult:
    """One line of a batch: its recommendation, or what was wrong with it."""

    line: int
    recommendation: Recommendation | None = None
    problems: tuple[Problem, ...] = ()


def is_json_lines(text: str, name: str) -> bool:
    """Whether the input is a JSON Lines batch: by its name, or because it looks like one.

    Besides "every line is an object", several lines whose first one is a whole JSON object
    count too, so a batch with a broken line is still read (and reported) as a batch.
    """
    if name.lower().endswith(JSON_LINES_SUFFIXES) or looks_like_json_lines(text):
        return True
    if name.lower().endswith(YAML_SUFFIXES):
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or not lines[0].lstrip().startswith("{"):
        return False
    try:
        return isinstance(json.loads(lines[0]), dict)
    except ValueError:
        return False


def _request_problems(error: ValidationError, name: str, number: int) -> tuple[Problem, ...]:
    if any(item["type"] == "json_invalid" for item in error.errors()):
        return (Problem("not valid JSON", file=name, line=number),)
    return tuple(
        Problem(problem.message, file=name, line=number, field=problem.field)
        for problem in problems_from_validation(error, name)
    )


def evaluate_lines(
    text: str, name: str, evaluator: Evaluator, first_line: int = 1
) -> Iterator[LineResult]:
    """Each non-blank line evaluated in order (lazily, so a long batch streams); ``first_line``:
    the number of ``text``'s first line in its file (a worker's chunk of a batch)."""
    context = {"kb": evaluator.kb}
    for number, raw in enumerate(text.splitlines(), start=first_line):
        if not raw.strip():
            continue
        try:
            # Parsing and validating in one step (in pydantic's core) keeps large batches fast.
            request = EvaluationRequest.model_validate_json(raw, context=context)
        except ValidationError as error:
            yield LineResult(number, problems=_request_problems(error, name, number))
            continue
        try:
            recommendation = evaluator.evaluate(request)
        except Exception as error:  # one request that breaks the engine must not lose the rest
            message = f"cannot be evaluated: {type(error).__name__}: {error}"
            yield LineResult(number, problems=(Problem(message, file=name, line=number),))
            continue
        yield LineResult(number, recommendation)
