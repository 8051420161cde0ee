"""``runstrong init`` and ``runstrong db check|backup``: create, check and copy the database."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.app.database import backup, check
from engine.cli.context import app, database_option
from engine.cli.options import EXIT_FAILED_CHECK


@click.command(
    "init",
    epilog="""Examples:

\b
  runstrong init
  runstrong init --db ~/training/runstrong.db
  runstrong init --db postgresql://coach@db.example/runstrong
""",
)
@database_option(create=True)
@click.pass_context
def init_command(ctx: click.Context) -> None:
    """Create the database (or bring an existing one to the newest schema)."""
    store = app(ctx).store()
    click.echo(f"database ready: {store.label}")


@click.group("db")
def db_group() -> None:
    """Check the database, or back it up."""


@db_group.command(
    "check",
    epilog="""Examples:

\b
  runstrong db check
  runstrong db check --full --db ~/training/runstrong.db
""",
)
@click.option("--full", is_flag=True, help="Also match every index entry to its row (slower).")
@database_option()
@click.pass_context
def db_check(ctx: click.Context, full: bool) -> None:
    """Check every page of the database; exit 1 if it is damaged."""
    report = check(app(ctx).db_url, full=full)
    where = f"{report.label} (schema {report.revision}{', read-only' if report.read_only else ''})"
    if report.sound:
        if report.backend == "sqlite":
            click.echo(f"ok: {where}")
        else:
            click.echo(f"ok: {where}; PostgreSQL checks its own pages")
        return
    click.echo(f"damaged: {where}", err=True)
    for problem in report.problems[:20]:
        click.echo(f"  {problem}", err=True)
    click.echo(
        "Recover: restore your last 'runstrong db backup' copy, or rebuild what can be read "
        f"with: sqlite3 {report.label} .recover | sqlite3 repaired.db",
        err=True,
    )
    sys.exit(EXIT_FAILED_CHECK)


@db_group.command(
    "backup",
    epilog="""Example:

\b
  runstrong db backup ~/backups/runstrong-2026-12-01.db
""",
)
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@database_option()
@click.pass_context
def db_backup(ctx: click.Context, target: Path) -> None:
    """Copy the SQLite database to TARGET while it stays in use (PostgreSQL: use pg_dump)."""
    report = backup(app(ctx).db_url, target)
    if not report.sound:
        click.echo(
            f"backed up to {target}, but the copy carries the original's damage: "
            f"{report.problems[0]}",
            err=True,
        )
        sys.exit(EXIT_FAILED_CHECK)
    click.echo(f"backed up to {target} (checked: ok)")
