"""``runstrong demo``: a demo athlete with four weeks of history, and today's recommendation."""

from __future__ import annotations

import datetime as dt

import click
from click.core import ParameterSource

from engine.app.athlete_card import card_words
from engine.app.demo import DEMO_WEEKS, create_demo
from engine.app.today import card_of, keep_for_today, todays_recommendation
from engine.cli.context import app, database_option
from engine.cli.options import fail_input
from engine.views.athlete_card import card_lines


def _db_given_on_command_line(ctx: click.Context) -> bool:
    """--db was typed, before or after 'demo'."""
    return any(
        context.get_parameter_source("db_url") == ParameterSource.COMMANDLINE
        for context in (ctx, ctx.parent)
        if context is not None
    )


@click.command(
    "demo",
    epilog="""Examples:

\b
  runstrong demo
  runstrong demo --db demo.db
""",
)
@database_option(create=True)
@click.pass_context
def demo_command(ctx: click.Context) -> None:
    """Create the demo athlete 'demo-runner' with four weeks of history, and check in today.

    The history has easy, quality and long runs, weekly HIIT with its recovery checks, heavy
    lifting for runners (week 3) and the isometric pistol holds, and a check-in every day.
    Running it again is safe: days already there are kept and today's check-in is replaced.
    """
    context = app(ctx)
    store = context.store()
    today = dt.date.today()
    athlete_id = create_demo(store, context.evaluator(), today)
    stored = todays_recommendation(store, athlete_id, today)
    if stored is None:  # create_demo always checks in today
        fail_input(f"no recommendation stored for {athlete_id} on {today}")
        return
    evaluator = context.evaluator()
    keep_for_today(stored.recommendation)  # the next step it suggests is ``today``
    card = card_of(store, stored, card_words(evaluator.kb, evaluator.ruleset))
    # The card without the review line: running the demo again replaces today's check-in.
    click.echo("\n".join(card_lines(card)))
    click.echo("")
    click.echo(f"Demo athlete {athlete_id!r} is ready with {DEMO_WEEKS} weeks of history.")
    same_db = " (with the same --db)" if _db_given_on_command_line(ctx) else ""
    click.echo(
        f"Next, try: runstrong today {athlete_id}  and  runstrong history {athlete_id}{same_db}"
    )
