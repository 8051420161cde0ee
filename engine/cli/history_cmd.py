"""``runstrong history``: an athlete's last weeks, day by day and week by week, with charts."""

from __future__ import annotations

import datetime as dt
import sys

import click
from rich.console import Console

from engine.app.history import (
    build_days,
    history_json,
    history_text,
    history_window,
    recommended_days,
    rich_report,
    summarise_weeks,
)
from engine.cli.context import app
from engine.cli.options import echo_json, fail_input, format_option
from engine.cli.parsing import AsciiIntRange
from engine.core.features import SessionClassifier
from engine.storage.store import StoreError


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
    sessions), a chart of recovery, soreness and stress, and a bar chart of sessions per week.
    """
    context = app(ctx)
    store = context.store()
    start, last = history_window(until.date() if until else dt.date.today(), weeks)
    try:
        store.get_athlete(athlete_id)
        checkins = [c for c in store.checkins(athlete_id, since=start) if c.date <= last]
        sessions = store.sessions(athlete_id, since=start, until=last)
        stored = [r for r in store.recommendations(athlete_id, since=start) if r.date <= last]
    except StoreError as error:
        fail_input(str(error))
        return
    evaluator = context.evaluator()
    classifier = SessionClassifier.from_kb(evaluator.kb, evaluator.ruleset.settings)
    days = build_days(start, last, checkins, sessions, recommended_days(stored), classifier)
    summaries = summarise_weeks(days)
    if output_format == "json":
        echo_json(history_json(athlete_id, days, summaries))
    elif sys.stdout.isatty():
        Console().print(rich_report(athlete_id, days, summaries))
    else:
        click.echo(history_text(athlete_id, days, summaries))
