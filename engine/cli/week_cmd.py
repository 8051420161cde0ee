"""``runstrong week``: the next seven days, planned by the rules."""

from __future__ import annotations

import click

from engine.app.athlete_zone import athlete_today
from engine.app.week import plan_week
from engine.calendar.ics import export_ics
from engine.cli.context import app, database_option
from engine.cli.parsing import parse_date
from engine.views.week import day_card, week_text


@click.command(
    "week",
    epilog="""Examples:

\b
  runstrong week ivo
  runstrong week ivo --from 2026-12-07 --format json
  runstrong week ivo --format ics > week.ics
""",
)
@click.argument("athlete_id")
@click.option("--from", "start", help="First day (default: today).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "ics"]),
    default="text",
    show_default=True,
    help="text: a week grid; json: full recommendations; ics: one event per training day.",
)
@database_option()
@click.pass_context
def week_command(
    ctx: click.Context, athlete_id: str, start: str | None, output_format: str
) -> None:
    """Plan the next seven days: today's check-in, then projections that say so."""
    context = app(ctx)
    today = athlete_today(context.store(), athlete_id)
    first = parse_date(start, "--from") if start else today
    plan = plan_week(context.store(), context.evaluator(), athlete_id, first, today)
    if output_format == "json":
        click.echo(plan.model_dump_json(by_alias=True, indent=2))
    elif output_format == "ics":
        events = [
            (
                day.date,
                f"runstrong-{plan.athlete}-{day.date.isoformat()}",
                f"{day.recommendation.session.title or day.recommendation.session.kind}"
                + (" (projected)" if day.projected else ""),
                day_card(day),
            )
            for day in plan.days
            if day.recommendation.session.kind != "rest"
        ]
        click.echo(export_ics(events, "-//runstrong//week plan//EN").decode("utf-8"), nl=False)
    else:
        click.echo(week_text(plan))
