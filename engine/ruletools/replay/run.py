"""Running a replay: worker processes, chunks in flight, results in input order."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from engine.contract.errors import EngineError
from engine.core.evaluator import Evaluator
from engine.knowledge.base import KnowledgeBase
from engine.rulebook.compiler import CompiledRuleSet
from engine.rulebook.ruleset import RuleSet
from engine.ruletools.replay.compare import Record, Replayer
from engine.ruletools.replay.report import (
    DEFAULT_EXAMPLES,
    DEFAULT_LISTED,
    ReplayReport,
    RulesetChanges,
)
from engine.ruletools.replay.sources import Item, RequestSource, RuleSource

DEFAULT_CHUNK = 200
Progress = Callable[[int, int | None], None]


# What a worker is given of each rule set: the knowledge base, the loaded rules and their
# compiled form, as the parent built and checked them (inherited on fork, pickled otherwise),
# so no worker reads or compiles a rule file again.
Built = tuple[KnowledgeBase, RuleSet, CompiledRuleSet]
_WORKER: Replayer | None = None


def _built(evaluator: Evaluator) -> Built:
    return evaluator.kb, evaluator.ruleset, evaluator.compiled


def _init_worker(base: Built, head: Built) -> None:
    global _WORKER
    import gc

    _WORKER = Replayer(Evaluator.from_compiled(*base), Evaluator.from_compiled(*head))
    gc.freeze()  # the rules and knowledge base live for the whole run: keep them out of GC scans


def _worker_chunk(chunk: list[Item]) -> tuple[int, list[Record]]:
    if _WORKER is None:  # pragma: no cover - the initializer always runs first
        raise EngineError("replay worker was not initialised")
    return _WORKER.compare_chunk(chunk)


def default_workers() -> int:
    return os.cpu_count() or 1


def _context() -> Any:
    # fork: the workers inherit the evaluators the parent has already built and checked.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def replay(
    base: RuleSource,
    head: RuleSource,
    source: RequestSource,
    *,
    workers: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    examples: int = DEFAULT_EXAMPLES,
    listed: int = DEFAULT_LISTED,
    progress: Progress | None = None,
) -> ReplayReport:
    """Replay every request of ``source`` under both rule sets.

    ``workers``: processes to use (default: one per CPU); 1 evaluates in this process.
    ``progress`` is called with (done, total) after each chunk, first with (0, total).
    Bad rules raise :class:`InputError` before anything is replayed.
    """
    started = time.perf_counter()
    base_evaluator = base.evaluator()
    head_evaluator = head.evaluator()
    workers = max(1, workers if workers is not None else default_workers())
    report = ReplayReport(
        base=base,
        head=head,
        base_version=base_evaluator.ruleset.version,
        head_version=head_evaluator.ruleset.version,
        source=source.description,
        ruleset=RulesetChanges.between(base_evaluator, head_evaluator),
        examples_per_group=examples,
        listed_per_group=listed,
        workers=workers,
    )

    def take(result: tuple[int, list[Record]]) -> None:
        count, records = result
        report.replayed += count
        for record in records:
            report.add(record, source)
        if progress is not None:
            progress(report.replayed, total)

    total: int | None = None
    if workers == 1:
        replayer = Replayer(base_evaluator, head_evaluator)
        if progress is not None:
            total = source.count()
            progress(0, total)
        for chunk in source.chunks(chunk_size):
            take(replayer.compare_chunk(chunk))
    else:
        # Workers are forked before the database is opened or a progress display starts.
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_context(),
            initializer=_init_worker,
            initargs=(_built(base_evaluator), _built(head_evaluator)),
        ) as pool:
            pool.submit(int).result()
            if progress is not None:
                total = source.count()
                progress(0, total)
            pending: deque[Future[tuple[int, list[Record]]]] = deque()
            window = workers * 3
            try:
                for chunk in source.chunks(chunk_size):
                    pending.append(pool.submit(_worker_chunk, chunk))
                    while len(pending) >= window:
                        take(pending.popleft().result())
                while pending:
                    take(pending.popleft().result())
            except BrokenProcessPool as error:
                raise EngineError(f"a replay worker process died: {error}") from error
    report.seconds = time.perf_counter() - started
    return report
