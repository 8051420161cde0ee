"""The ``runstrong`` command."""

from __future__ import annotations

import click

from engine import __version__
from engine.cli.athlete_cmd import athlete_group
from engine.cli.calendar_cmd import calendar_group
from engine.cli.checkin_cmd import checkin_command, today_command
from engine.cli.context import AppContext, AppGroup
from engine.cli.demo_cmd import demo_command
from engine.cli.evaluate_cmd import evaluate_command
from engine.cli.history_cmd import history_command
from engine.cli.import_cmd import import_command
from engine.cli.kb_cmd import kb_group
from engine.cli.log_cmd import log_command
from engine.cli.review_cmd import review_group
from engine.cli.rules_cmd import rules_group
from engine.cli.schema_cmd import schema_command
from engine.cli.serve_cmd import serve_command
from engine.cli.user_cmd import coach_group, user_group
from engine.cli.week_cmd import week_command


@click.group(
    cls=AppGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Run 'runstrong COMMAND --help' for a command's options and examples.",
)
@click.version_option(__version__, prog_name="runstrong")
@click.option(
    "--db",
    "db_url",
    envvar="RUNSTRONG_DB",
    help="Database URL (default: an SQLite file in your user data directory; "
    "postgresql://... works too). Also RUNSTRONG_DB.",
)
@click.pass_context
def cli(ctx: click.Context, db_url: str | None) -> None:
    """runstrong: a rule-based progression engine for runners who strength-train."""
    ctx.obj = AppContext(db_url=db_url)


cli.add_command(athlete_group)
cli.add_command(checkin_command)
cli.add_command(log_command)
cli.add_command(today_command)
cli.add_command(evaluate_command)
cli.add_command(kb_group)
cli.add_command(review_group)
cli.add_command(rules_group)
cli.add_command(schema_command)
cli.add_command(demo_command)
cli.add_command(history_command)
cli.add_command(import_command)
cli.add_command(calendar_group)
cli.add_command(week_command)
cli.add_command(serve_command)
cli.add_command(user_group)
cli.add_command(coach_group)


def main() -> None:
    cli()
