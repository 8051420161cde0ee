"""Evaluators loaded from rule and knowledge-base directories, cached for the process.

The core evaluator does no I/O; reading the directories (and noticing when a rule author has
edited them) happens here, once per process and directory, through the per-user cache of
loaded sources (:mod:`engine.evaluation.rule_sources`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from engine.core.evaluator import Evaluator
from engine.evaluation.rule_sources import load_sources
from engine.loading.paths import resolved


def _signature(root: Path | None) -> tuple[tuple[str, int, int], ...]:
    """What the files of a directory look like now: name, size and modification time."""
    if root is None or not root.is_dir():
        return ()
    return tuple(
        (str(path.relative_to(root)), stat.st_size, stat.st_mtime_ns)
        for path in sorted(root.rglob("*.y*ml"))
        for stat in (path.stat(),)
    )


@lru_cache(maxsize=8)
def _evaluator(
    rules_root: Path | None,
    kb_root: Path | None,
    signature: tuple[tuple[tuple[str, int, int], ...], ...],
    tests: bool,
) -> Evaluator:
    return Evaluator.build(*load_sources(rules_root, kb_root, tests=tests))


def get_evaluator(
    rules_root: Path | None = None, kb_root: Path | None = None, *, tests: bool = True
) -> Evaluator:
    """An evaluator for these directories (the bundled ones by default), cached per process.

    A directory given explicitly is re-read when its files change (a rule author editing a
    copy while a process runs); the bundled ones are read once.
    """
    rules = resolved(rules_root) if rules_root else None
    kb = resolved(kb_root) if kb_root else None
    return _evaluator(rules, kb, (_signature(rules), _signature(kb)), tests)
