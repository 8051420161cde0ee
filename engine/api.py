"""The Python API: evaluate a request, from a dict, a file or a model, into a Recommendation.

    from engine import evaluate
    rec = evaluate({"athlete": {...}, "checkin": {...}, "history": [...]})
    print(rec.session.title)

Every request is validated against the knowledge base the evaluator uses (exercise, program and
ladder ids included), so a bad request is an :class:`~engine.contract.errors.InputError` naming
the field, never an error from deep inside the planner. For many calls, keep an
:class:`~engine.core.evaluator.Evaluator` from :func:`evaluator` and pass it in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.contract.errors import InputError, Problem
from engine.contract.models import EvaluationRequest, Recommendation
from engine.core.evaluator import Evaluator
from engine.evaluation.evaluators import get_evaluator
from engine.loading.inputs import load_document
from engine.loading.yamlio import problems_from_validation

RequestLike = EvaluationRequest | Mapping[str, Any] | str | os.PathLike[str]


def evaluator(
    rules: str | os.PathLike[str] | None = None,
    knowledge_base: str | os.PathLike[str] | None = None,
) -> Evaluator:
    """An evaluator for the bundled rules and knowledge base, or for these directories (cached
    for the process: the second call with the same directories costs nothing)."""
    return get_evaluator(
        Path(rules) if rules is not None else None,
        Path(knowledge_base) if knowledge_base is not None else None,
        tests=False,
    )


def request_from(data: RequestLike, using: Evaluator) -> EvaluationRequest:
    """A request validated against ``using``'s knowledge base: a dict, a YAML or JSON file's
    path, or a model (validated again, since it may have been built without the knowledge
    base)."""
    context = {"kb": using.kb}
    if isinstance(data, str | os.PathLike):
        return load_document(os.fspath(data), EvaluationRequest, context)
    if isinstance(data, EvaluationRequest):
        data = data.model_dump(mode="json", by_alias=True)
    if not isinstance(data, Mapping):
        kind = type(data).__name__
        raise InputError(
            [Problem(f"a request is a mapping, a file path or an EvaluationRequest, not {kind}")]
        )
    try:
        return EvaluationRequest.model_validate(dict(data), context=context)
    except ValidationError as error:
        raise InputError(problems_from_validation(error, None)) from error


def evaluate(data: RequestLike, using: Evaluator | None = None) -> Recommendation:
    """The recommendation for one request, with its trace (``rationale``)."""
    chosen = using or evaluator()
    return chosen.evaluate(request_from(data, chosen))
