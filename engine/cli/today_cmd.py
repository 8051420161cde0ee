"""``runstrong today``: the day's recommendation as stored, with where it stands in review.

Its own module so that showing a card imports neither the rule engine nor the calendar.
"""

from __future__ import annotations

import click

from engine.app.athlete_zone import athlete_today
from engine.app.today import today
from engine.cli.context import app, database_option
from engine.cli.options import echo_json, format_option
from engine.cli.parsing import parse_date
from engine.views.today import today_text


@click.command(
    "today",
    epilog="""Examples:

\b
  runstrong today ana
  runstrong today ana --format json
""",
)
@click.argument("athlete_id")
@click.option("--date", "day", help="Another day's recommendation (default: today).")
@format_option
@database_option()
@click.pass_context
def today_command(ctx: click.Context, athlete_id: str, day: str | None, output_format: str) -> None:
    """Show today's recommendation."""
    store = app(ctx).store()
    when = parse_date(day, "--date") if day else athlete_today(store, athlete_id)
    view = today(store, athlete_id, when)
    if output_format == "json":
        echo_json(view.as_json())
    else:
        click.echo(today_text(view))
