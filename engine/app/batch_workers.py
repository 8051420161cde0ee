"""A JSON Lines batch on every core: chunks of lines evaluated in worker processes, each line's
JSON result (or its problems) handed back in input order, as :func:`engine.app.batch.evaluate_lines`
gives them on one core.

Processes, not threads: durable_rules and pydantic's Python layers hold the GIL. The workers are
forked after the parent has loaded and compiled the rules, and each builds its own durable_rules
engine from that compiled set (as the replay's workers do), so no worker reads a rule file.
Where ``fork`` is not available, or the batch is small, the lines are evaluated here.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from engine.app.batch import LineResult, evaluate_lines
from engine.contract.errors import EngineError, Problem
from engine.core.evaluator import Evaluator

CHUNK_LINES = 100  # a chunk's work (~0.2 s) dwarfs sending it; small enough to stream
# Below this many lines starting the workers costs more than it saves.
SMALL_BATCH = 2 * CHUNK_LINES


@dataclass(frozen=True)
class LineOutput:
    """One line of a batch: its recommendation as a JSON line, or what was wrong with it."""

    line: int
    json: str | None = None
    problems: tuple[Problem, ...] = ()


_WORKER: tuple[Evaluator, str] | None = None


def _init_worker(evaluator: Evaluator, name: str) -> None:
    global _WORKER
    _WORKER = (Evaluator.from_compiled(evaluator.kb, evaluator.ruleset, evaluator.compiled), name)
    gc.freeze()  # the rules and knowledge base live as long as the worker: keep them out of GC


def _output(result: LineResult) -> LineOutput:
    """A line's result as printed."""
    recommendation = result.recommendation
    return LineOutput(
        result.line,
        None if recommendation is None else recommendation.model_dump_json(by_alias=True),
        result.problems,
    )


def _chunk(first: int, text: str) -> list[LineOutput]:
    if _WORKER is None:  # pragma: no cover - the initializer always runs first
        raise EngineError("batch worker was not initialised")
    evaluator, name = _WORKER
    return [_output(result) for result in evaluate_lines(text, name, evaluator, first)]


def default_workers() -> int:
    return os.cpu_count() or 1


def _chunks(lines: list[str]) -> Iterator[tuple[int, str]]:
    for start in range(0, len(lines), CHUNK_LINES):
        yield start + 1, "\n".join(lines[start : start + CHUNK_LINES])


def evaluate_lines_on_cores(
    text: str, name: str, evaluator: Evaluator, workers: int | None = None
) -> Iterator[LineOutput]:
    """Each non-blank line evaluated, in input order, on ``workers`` processes (default: one
    per core; 1 evaluates in this process)."""
    workers = max(1, workers if workers is not None else default_workers())
    lines = text.splitlines()
    if (
        workers == 1
        or len(lines) < SMALL_BATCH
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        for result in evaluate_lines(text, name, evaluator):
            yield _output(result)
        return
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_worker,
        initargs=(evaluator, name),
    ) as pool:
        pending: deque[Future[list[LineOutput]]] = deque()
        window = workers * 3  # enough in flight to keep every worker busy, and no more
        try:
            for first, chunk in _chunks(lines):
                pending.append(pool.submit(_chunk, first, chunk))
                while len(pending) >= window:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BrokenProcessPool as error:
            raise EngineError(f"a batch worker process died: {error}") from error
