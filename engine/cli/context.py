"""What every database command shares: the ``--db`` URL and the store opened from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from engine.app.evaluators import get_evaluator
from engine.cli.options import fail_input
from engine.core.evaluator import Evaluator
from engine.storage.store import Store


@dataclass
class AppContext:
    db_url: str | None = None
    rules_dir: Path | None = None
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
            try:
                self._store = Store.open(self.db_url)
            except Exception as error:  # a bad URL or an unreachable server
                fail_input(f"cannot open the database: {error}")
                raise AssertionError("unreachable") from error
        return self._store

    def evaluator(self) -> Evaluator:
        return get_evaluator(self.rules_dir)


def app(ctx: click.Context) -> AppContext:
    obj = ctx.find_object(AppContext)
    if obj is None:
        obj = ctx.ensure_object(AppContext)
    return obj
