"""What every database command shares: the ``--db`` URL and the store opened from it.

The store and the evaluator are imported when first used: a command that needs no database
(evaluate, rules, kb) should not pay for importing SQLAlchemy and Alembic, nor a database-only
command for the engine. Refusals become exit status 2 in one place, ``RunstrongGroup.invoke``
in ``engine/cli/main.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from engine.app.database import Store
    from engine.core.evaluator import Evaluator


@dataclass
class AppContext:
    db_url: str | None = None
    rules_dir: Path | None = None
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        """The store; raises (never exits) when the database cannot be opened."""
        if self._store is None:
            from engine.app.database import open_store

            self._store = open_store(self.db_url)
        return self._store

    def evaluator(self) -> Evaluator:
        from engine.app.evaluators import get_evaluator

        return get_evaluator(self.rules_dir)


def app(ctx: click.Context) -> AppContext:
    obj = ctx.find_object(AppContext)
    if obj is None:
        obj = ctx.ensure_object(AppContext)
    return obj
