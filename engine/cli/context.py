"""What every database command shares: the ``--db`` option (before or after the subcommand)
and the store opened from it, created only by commands that create data on purpose.

The store and the evaluator are imported when first used: a command that needs no database
(evaluate, rules, kb) should not pay for importing SQLAlchemy and Alembic, nor a database-only
command for the engine. Refusals become exit status 2 in one place, ``RunstrongGroup.invoke``
in ``engine/cli/main.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from engine.app.database import Store
    from engine.core.evaluator import Evaluator
    from engine.rulebook.engine_settings import EngineSettings

F = TypeVar("F", bound=Callable[..., Any])

DB_HELP = (
    "Database: an SQLite file path, or a URL such as sqlite:///path or postgresql://user@host/db "
    "(default: an SQLite file in your user data directory). Also RUNSTRONG_DB."
)


@dataclass
class AppContext:
    db_url: str | None = None
    rules_dir: Path | None = None
    # Set by database_option(create=True): this command may create the database.
    create: bool = False
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        """The store; raises (never exits) when the database is missing, damaged or
        unreachable, with a message that names it."""
        if self._store is None:
            from engine.app.database import open_store

            self._store = open_store(self.db_url, create=self.create)
            # Closed with the command: click closes the root context when the command ends.
            current = click.get_current_context(silent=True)
            if current is not None:
                current.find_root().call_on_close(self._store.close)
            for warning in self._store.warnings:
                click.echo(f"warning: {warning}", err=True)
        return self._store

    def evaluator(self) -> Evaluator:
        from engine.evaluation.evaluators import get_evaluator

        return get_evaluator(self.rules_dir, tests=False)  # the commands that evaluate

    def settings(self) -> EngineSettings:
        """The engine's settings alone, for a command that needs a number but not the rules (the
        review queue): no rule engine is built, so the command starts quickly."""
        from engine.rulebook.ruleset import load_engine_settings

        return load_engine_settings(self.rules_dir)


def app(ctx: click.Context) -> AppContext:
    obj = ctx.find_object(AppContext)
    if obj is None:
        obj = ctx.ensure_object(AppContext)
    return obj


def database_option(create: bool = False) -> Callable[[F], F]:
    """``--db`` on a command that uses the database, so it works after the subcommand too
    (``runstrong demo --db x`` as well as ``runstrong --db x demo``; the later one wins).

    ``create``: the command creates data on purpose (``athlete add``, ``demo``, ``init``) and
    may create the database; every other command refuses a database that does not exist.
    """

    def remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        context = app(ctx)
        context.create = create
        if value is not None:
            context.db_url = value

    return click.option(
        "--db",
        "db_url",
        metavar="PATH|URL",
        expose_value=False,
        callback=remember,
        help=DB_HELP,
    )
