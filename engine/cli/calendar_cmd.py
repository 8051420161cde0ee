"""``runstrong calendar``: the athlete's stored running calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from engine.app import calendar as calendar_app
from engine.cli.context import app, database_option
from engine.cli.options import echo_json, format_option
from engine.cli.parsing import ASCII_INT
from engine.contract.calendar import Calendar
from engine.views.week import calendar_text


def _show(calendar: Calendar, output_format: str) -> None:
    if output_format == "json":
        echo_json(calendar.model_dump(mode="json"))
    else:
        click.echo(calendar_text(calendar))


@click.group("calendar")
def calendar_group() -> None:
    """The athlete's running calendar: weekly runs, one-offs, skipped days, .ics import."""


@calendar_group.command(
    "add",
    epilog="""Examples:

\b
  runstrong calendar add ivo --weekly sun:long_run@08:00 --weekly wed:quality_run
  runstrong calendar add ivo --on 2026-12-12:quality_run@09:30
  runstrong calendar add ivo --skip 2026-12-20
""",
)
@click.argument("athlete_id")
@click.option("--weekly", multiple=True, help="DAY:KIND[@HH:MM], e.g. sun:long_run@08:00 (repeat).")
@click.option("--on", "once", multiple=True, help="DATE:KIND[@HH:MM], a one-off run (repeat).")
@click.option("--skip", multiple=True, help="DATE: no run that day (repeat).")
@format_option
@database_option()
@click.pass_context
def add_command(
    ctx: click.Context,
    athlete_id: str,
    weekly: tuple[str, ...],
    once: tuple[str, ...],
    skip: tuple[str, ...],
    output_format: str,
) -> None:
    """Add weekly runs, one-off runs or skipped days (all or nothing)."""
    calendar = calendar_app.add(
        app(ctx).store(), athlete_id, list(weekly), list(once), list(skip), dt.date.today()
    )
    _show(calendar, output_format)


@calendar_group.command("list")
@click.argument("athlete_id")
@format_option
@database_option()
@click.pass_context
def list_command(ctx: click.Context, athlete_id: str, output_format: str) -> None:
    """Show the calendar's entries with their ids."""
    calendar = calendar_app.calendar(app(ctx).store(), athlete_id)
    _show(calendar, output_format)


@calendar_group.command("remove", epilog="Example:\n\n\b\n  runstrong calendar remove ivo 3 4")
@click.argument("athlete_id")
@click.argument("entry_ids", nargs=-1, type=ASCII_INT)
@format_option
@database_option()
@click.pass_context
def remove_command(
    ctx: click.Context, athlete_id: str, entry_ids: tuple[int, ...], output_format: str
) -> None:
    """Remove entries by id (see 'calendar list'); all or none."""
    calendar = calendar_app.remove(app(ctx).store(), athlete_id, list(entry_ids))
    _show(calendar, output_format)


@calendar_group.command(
    "import",
    epilog="""Event titles become session kinds through a word list (runstrong's default is
described in the README); give your own with --mapping.

\b
Examples:
  runstrong calendar import ivo plan.ics
  runstrong calendar import ivo plan.ics --mapping my-titles.yaml
""",
)
@click.argument("athlete_id")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML mapping of session kinds to title words.",
)
@format_option
@database_option()
@click.pass_context
def import_command(
    ctx: click.Context, athlete_id: str, file: Path, mapping: Path | None, output_format: str
) -> None:
    """Import a training plan from an iCalendar (.ics) file (all events or none)."""
    calendar, added = calendar_app.import_ics(app(ctx).store(), athlete_id, file, mapping)
    if output_format == "text":
        click.echo(f"{added} new entries from {file.name}")
    _show(calendar, output_format)
