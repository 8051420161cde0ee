"""``runstrong calendar``: the athlete's stored running calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from engine.app import calendar as calendar_app
from engine.cli.context import app, database_option
from engine.cli.options import echo_json, format_option, timezone_option
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
    epilog="""Event titles become session kinds through ordered title rules (runstrong's default
is engine/calendar/title_kinds.yaml, described in the README); give your own with --mapping.
An event no rule maps refuses the whole file, naming it; --skip-unmapped leaves such events
out instead and says how many. A plain weekly repeat becomes a weekly entry; any other repeat
(UNTIL, COUNT, INTERVAL, a future start, daily, monthly) its dated runs for the next year.

\b
Examples:
  runstrong calendar import ivo plan.ics
  runstrong calendar import ivo plan.ics --mapping my-titles.yaml
  runstrong calendar import ivo higdon.ics --skip-unmapped --timezone America/Chicago
""",
)
@click.argument("athlete_id")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML title rules (kind, words, patterns), tried in order.",
)
@click.option(
    "--skip-unmapped",
    is_flag=True,
    help="Leave out events whose title no rule maps (counted) instead of refusing the file.",
)
@click.option(
    "--timezone",
    "timezone_name",
    help="IANA time zone for events with a zone or in UTC (default: this computer's).",
)
@format_option
@database_option()
@click.pass_context
def import_command(
    ctx: click.Context,
    athlete_id: str,
    file: Path,
    mapping: Path | None,
    skip_unmapped: bool,
    timezone_name: str | None,
    output_format: str,
) -> None:
    """Import a training plan from an iCalendar (.ics) file (all events or none)."""
    result = calendar_app.import_ics(
        app(ctx).store(),
        athlete_id,
        file,
        dt.date.today(),
        mapping,
        zone=timezone_option(timezone_name),
        skip_unmapped=skip_unmapped,
    )
    if output_format == "text":
        click.echo(f"{result.added} new entries from {file.name}")
        if result.left_out:
            click.echo(f"{len(result.left_out)} events left out:")
            for line in result.left_out:
                click.echo(f"  {line}")
        _show(result.calendar, output_format)
    else:
        data = result.calendar.model_dump(mode="json")
        data["left_out"] = result.left_out
        echo_json(data)
