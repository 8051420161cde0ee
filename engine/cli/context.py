"""What every database command shares: the ``--db`` URL, the store opened from it, and the
one place a refusal becomes exit status 2."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from engine.app.database import Store, open_store
from engine.app.errors import StoreError
from engine.app.evaluators import get_evaluator
from engine.cli.options import fail_input
from engine.contract.errors import InputError
from engine.core.evaluator import Evaluator


@dataclass
class AppContext:
    db_url: str | None = None
    rules_dir: Path | None = None
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        """The store; raises (never exits) when the database cannot be opened."""
        if self._store is None:
            self._store = open_store(self.db_url)
        return self._store

    def evaluator(self) -> Evaluator:
        return get_evaluator(self.rules_dir)


def app(ctx: click.Context) -> AppContext:
    obj = ctx.find_object(AppContext)
    if obj is None:
        obj = ctx.ensure_object(AppContext)
    return obj


class AppGroup(click.Group):
    """The command group: an app refusal or bad input from any command is reported on stderr
    with exit status 2, nothing on stdout, so commands need no try/except of their own."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as error:
            fail_input(error)
        except StoreError as error:
            fail_input(str(error))
        return None
