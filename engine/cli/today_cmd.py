"""``runstrong today``: the day's card as stored, with where it stands in review.

Its own module so that showing a card imports neither the rule engine nor the calendar; on an
SQLite file it reads through :mod:`engine.storage.sqlite_reads`, so it imports no SQLAlchemy
either (the store does the reads when that reader cannot, or when a read there fails).
"""

from __future__ import annotations

import click

from engine.app.athlete_zone import today_in, zone_named
from engine.app.card_loading import words_for
from engine.app.today import (
    DayReads,
    as_athlete_sees_it,
    card_of,
    stored_today,
    with_day_reads,
)
from engine.cli.context import AppContext, app, database_option
from engine.cli.options import echo_json, format_option
from engine.cli.parsing import parse_date
from engine.views.athlete_card import card_text


@click.command(
    "today",
    epilog="""Examples:

\b
  runstrong today ana
  runstrong today ana --why
  runstrong today ana --format json
""",
)
@click.argument("athlete_id")
@click.option("--date", "day", help="Another day's recommendation (default: today).")
@click.option(
    "--why",
    is_flag=True,
    help="Add the rules behind the card: rule ids, matched facts, sources, rules version.",
)
@format_option
@database_option()
@click.pass_context
def today_command(
    ctx: click.Context, athlete_id: str, day: str | None, why: bool, output_format: str
) -> None:
    """Show today's recommendation."""
    context = app(ctx)
    with_day_reads(
        context.db_url,
        context.store,
        lambda reads: _show(context, reads, athlete_id, day, why, output_format),
    )


def _show(
    context: AppContext,
    reads: DayReads,
    athlete_id: str,
    day: str | None,
    why: bool,
    output_format: str,
) -> None:
    when = (
        parse_date(day, "--date")
        if day
        else today_in(zone_named(reads.athlete_timezone(athlete_id)))
    )
    stored = stored_today(reads, athlete_id, when)
    card = card_of(reads, stored, words_for(context.rules_dir))
    # The coach's trace, behind --why: the recommendation as the athlete follows it.
    trace = as_athlete_sees_it(reads, stored) if why else None
    if output_format == "json":
        # --why: the recommendation with its trace, as the coach's tools read it.
        echo_json(trace.as_json() if trace is not None else card.model_dump(mode="json"))
    else:
        click.echo(card_text(card, trace.recommendation if trace else None))
