"""``runstrong history``: an athlete's last weeks, day by day and week by week, with charts."""

from __future__ import annotations

import datetime as dt
import sys

import click
from rich.console import Console

from engine.app.history import athlete_history
from engine.cli.context import app, database_option
from engine.cli.options import echo_json, format_option
from engine.cli.parsing import AsciiIntRange
from engine.views.history import history_text, rich_report
from engine.views.progress import progress_text


@click.command(
    "history",
    epilog="""Examples:

\b
  runstrong history demo-runner
  runstrong history demo-runner --weeks 8
  runstrong history demo-runner --until 2026-11-22 --format json
""",
)
@click.argument("athlete_id")
@click.option(
    "--weeks",
    type=AsciiIntRange(1, 104),
    default=4,
    show_default=True,
    help="How many ISO weeks to show, the last one ending at --until.",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Last day shown, as YYYY-MM-DD (default: today).",
)
@format_option
@database_option()
@click.pass_context
def history_command(
    ctx: click.Context,
    athlete_id: str,
    weeks: int,
    until: dt.datetime | None,
    output_format: str,
) -> None:
    """Show an athlete's check-ins, sessions and recommendations over the last weeks.

    A row per day (recovery, soreness, stress, sessions done, the recommended session and its
    status), a summary per ISO week (averages, HIIT, strength and lower-body strength
    sessions), a chart of recovery, soreness and stress, a bar chart of sessions per week, and
    each main lift's estimated 1RM and heaviest load by week beside the ladder stages.
    """
    context = app(ctx)
    day = until.date() if until else dt.date.today()
    view = athlete_history(context.store(), context.evaluator(), athlete_id, day, weeks)
    lifts = progress_text(view.progress) if view.progress is not None else ""
    if output_format == "json":
        echo_json(view.as_json())
    elif sys.stdout.isatty():
        Console().print(rich_report(view.athlete_id, view.days, view.weeks))
        if lifts:
            Console().print(lifts, markup=False, highlight=False)
    else:
        click.echo(history_text(view.athlete_id, view.days, view.weeks) + "\n" + lifts)
