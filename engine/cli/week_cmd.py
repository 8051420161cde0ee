"""``runstrong week``: the next seven days, planned by the rules."""

from __future__ import annotations

import click

from engine.app.athlete_card import card_words
from engine.app.athlete_week import athlete_week
from engine.app.athlete_zone import athlete_today
from engine.app.week import plan_week
from engine.calendar.ics import export_ics
from engine.cli.context import app, database_option
from engine.cli.parsing import parse_date
from engine.views.athlete_card import card_text
from engine.views.week import day_card_text, week_text


@click.command(
    "week",
    epilog="""Examples:

\b
  runstrong week ivo
  runstrong week ivo --from 2026-12-07 --format json
  runstrong week ivo --why --format json      # each day's whole recommendation
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
    help="text: a week grid; json: the day cards; ics: one event per training day.",
)
@click.option(
    "--why",
    is_flag=True,
    help="With --format json: the whole recommendation of each day (rules, matched facts, "
    "sources) instead of the day cards; with text: each day's full trace.",
)
@database_option()
@click.pass_context
def week_command(
    ctx: click.Context, athlete_id: str, start: str | None, output_format: str, why: bool
) -> None:
    """Plan the next seven days: today's check-in, then projections that say so."""
    context = app(ctx)
    today = athlete_today(context.store(), athlete_id)
    first = parse_date(start, "--from") if start else today
    evaluator = context.evaluator()
    plan = plan_week(context.store(), evaluator, athlete_id, first, today)
    week = athlete_week(plan, card_words(evaluator.kb, evaluator.ruleset))
    if output_format == "json" and why:  # the coach's and rule author's view
        click.echo(plan.model_dump_json(by_alias=True, indent=2))
    elif output_format == "json":
        click.echo(week.model_dump_json(indent=2))
    elif output_format == "ics":
        events = [
            (
                day.date,
                f"runstrong-{week.athlete}-{day.date.isoformat()}",
                day.card.title + (" (projected)" if day.projected else ""),
                day_card_text(day),
            )
            for plan_day, day in zip(plan.days, week.days, strict=True)
            if plan_day.recommendation.session.kind != "rest"
        ]
        click.echo(export_ics(events, "-//runstrong//week plan//EN").decode("utf-8"), nl=False)
    elif why:
        click.echo(week_text(week))
        for plan_day, day in zip(plan.days, week.days, strict=True):
            click.echo(f"\n{day.date:%a %Y-%m-%d}\n{card_text(day.card, plan_day.recommendation)}")
    else:
        click.echo(week_text(week))
