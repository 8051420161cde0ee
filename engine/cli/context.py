"""What every database command shares: the ``--db`` URL and the store opened from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engine.cli.options import fail_input

# Imported when first used: a command that needs no database (evaluate, rules, kb) should not
# pay for importing SQLAlchemy and Alembic, nor the engine for a database-only command.
if TYPE_CHECKING:
    from engine.core.evaluator import Evaluator
    from engine.storage.store import Store


@dataclass
class AppContext:
    db_url: str | None = None
    rules_dir: Path | None = None
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
            from engine.storage.store import Store

            try:
                self._store = Store.open(self.db_url)
            except Exception as error:  # a bad URL or an unreachable server
                fail_input(f"cannot open the database: {error}")
                raise AssertionError("unreachable") from error
        return self._store

    def evaluator(self) -> Evaluator:
        from engine.app.evaluators import get_evaluator

        return get_evaluator(self.rules_dir)


def app(ctx: click.Context) -> AppContext:
    obj = ctx.find_object(AppContext)
    if obj is None:
        obj = ctx.ensure_object(AppContext)
    return obj
