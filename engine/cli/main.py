"""The ``runstrong`` command."""

from __future__ import annotations

import click

from engine import __version__
from engine.cli.evaluate_cmd import evaluate_command
from engine.cli.kb_cmd import kb_group
from engine.cli.schema_cmd import schema_command


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Run 'runstrong COMMAND --help' for a command's options and examples.",
)
@click.version_option(__version__, prog_name="runstrong")
def cli() -> None:
    """runstrong: a rule-based progression engine for runners who strength-train."""


cli.add_command(evaluate_command)
cli.add_command(kb_group)
cli.add_command(schema_command)


def main() -> None:
    cli()
