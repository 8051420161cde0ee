"""Counterexamples made minimal: the short form of a request, and :func:`trim`, which drops
every field and list item a failure does not need."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import yaml
from pydantic import ValidationError

from engine.contract.models import EvaluationRequest
from engine.knowledge.base import KnowledgeBase


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
