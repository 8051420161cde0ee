"""The ``runstrong`` command.

Start-up is part of the athlete's morning, so the group imports a command's module only when
that command runs: ``runstrong --help`` and ``--version`` import neither storage, nor the engine,
nor the pydantic models. The table below is the one list of commands; its one-line helps are
checked against the commands' own docstrings by a test.

Every command runs under one handler: an expected problem (bad input) exits 2 with the file,
line and field; anything else is a bug, reported in one line that says where its traceback was
logged, with its own exit status.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
from typing import Any

import click

from engine import __version__
from engine.cli.context import DB_HELP
from engine.cli.crash import EXIT_BUG, EXIT_PIPE_CLOSED, report_bug
from engine.cli.options import fail_input
from engine.contract.errors import UserError

# name -> (module, attribute, one-line help shown by ``runstrong --help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "athlete": ("engine.cli.athlete_cmd", "athlete_group", "Add, show, list and edit athletes."),
    "calendar": (
        "engine.cli.calendar_cmd",
        "calendar_group",
        "The athlete's running calendar: weekly runs, one-offs, skipped days, .ics import.",
    ),
    "checkin": (
        "engine.cli.checkin_cmd",
        "checkin_command",
        "Check in for the day: store it, evaluate it with your history, show the session.",
    ),
    "db": ("engine.cli.db_cmd", "db_group", "Check the database, or back it up."),
    "demo": (
        "engine.cli.demo_cmd",
        "demo_command",
        "Create the demo athlete 'demo-runner' with four weeks of history, and check in today.",
    ),
    "evaluate": (
        "engine.cli.evaluate_cmd",
        "evaluate_command",
        "Recommend the next session for a request, with the reasons.",
    ),
    "history": (
        "engine.cli.history_cmd",
        "history_command",
        "Show an athlete's check-ins, sessions and recommendations over the last weeks.",
    ),
    "import": (
        "engine.cli.import_cmd",
        "import_command",
        "Import FIT, GPX and TCX activities as session logs.",
    ),
    "init": (
        "engine.cli.db_cmd",
        "init_command",
        "Create the database (or bring an existing one to the newest schema).",
    ),
    "kb": (
        "engine.cli.kb_cmd",
        "kb_group",
        "Browse the knowledge base: exercises, ladders, programs and their sources.",
    ),
    "log": (
        "engine.cli.log_cmd",
        "log_command",
        "Record a completed session (runstrong log ATHLETE ...), or look after the log.",
    ),
    "review": ("engine.cli.review_cmd", "review_group", "The coach's review of recommendations."),
    "rules": (
        "engine.cli.rules_cmd",
        "rules_group",
        "Inspect, validate and test the coaching rules.",
    ),
    "serve": (
        "engine.cli.serve_cmd",
        "serve_command",
        "Serve the web app; pages and the API need a login or an API token (runstrong user).",
    ),
    "coach": ("engine.cli.user_cmd", "coach_group", "Who coaches whom."),
    "user": ("engine.cli.user_cmd", "user_group", "Accounts for the web app (runstrong serve)."),
    "schema": (
        "engine.cli.schema_cmd",
        "schema_command",
        "Print the JSON Schema of a model or file format.",
    ),
    "today": ("engine.cli.today_cmd", "today_command", "Show today's recommendation."),
    "week": (
        "engine.cli.week_cmd",
        "week_command",
        "Plan the next seven days: today's check-in, then projections that say so.",
    ),
}


class RunstrongGroup(click.Group):
    """A group that imports each command on first use and runs all of them under one handler."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table, so that help imports no command."""
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            if name in COMMANDS:
                help_text = click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit)
            else:
                help_text = self.commands[name].get_short_help_str(limit)
            rows.append((name, help_text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # Not a bug: whoever read the output stopped reading. Python would report the
            # failed flush at exit too, so what is left of the output goes nowhere.
            with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_PIPE_CLOSED)
        except Exception as error:
            # Bad input and the store's refusals are both UserError: plain words, exit 2.
            if not isinstance(error, UserError):
                click.echo(report_bug(error, ctx.command_path, ctx.args), err=True)
                ctx.exit(EXIT_BUG)
            fail_input(str(error))


@click.group(
    cls=RunstrongGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Run 'runstrong COMMAND --help' for a command's options and examples.",
)
@click.version_option(__version__, "-V", "--version", prog_name="runstrong")
@click.option(
    "--db",
    "db_url",
    envvar="RUNSTRONG_DB",
    metavar="PATH|URL",
    help=DB_HELP,
)
@click.pass_context
def cli(ctx: click.Context, db_url: str | None) -> None:
    """runstrong: a rule-based progression engine for runners who strength-train."""
    from engine.cli.context import AppContext

    ctx.obj = AppContext(db_url=db_url)


# The command uses no pydantic plugins, and looking for them reads the entry points of every
# installed distribution when the first model is validated: ~0.01 s of each command's start-up
# (tests/benchmarks/bench_startup.py). Setting the variable, even to "", turns the search back on.
PLUGIN_SEARCH = ("PYDANTIC_DISABLE_PLUGINS", "__all__")


def main() -> None:
    os.environ.setdefault(*PLUGIN_SEARCH)
    cli(prog_name="runstrong")
