"""Options and helpers shared by several commands."""

from __future__ import annotations

import datetime as dt
import json
import sys
import zoneinfo
from pathlib import Path
from typing import Any

import click

from engine.contract.errors import InputError

# Exit code for bad input (usage errors use click's 2 as well).
EXIT_BAD_INPUT = 2
EXIT_FAILED_CHECK = 1

format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for tools.",
)

rules_option = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="RUNSTRONG_RULES",
    help="Rule directory to use instead of the bundled rules.",
)

kb_option = click.option(
    "--kb",
    "kb_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="RUNSTRONG_KB",
    help="Knowledge-base directory to use instead of the bundled one.",
)


def fail_input(error: InputError | str) -> None:
    """Report bad input on stderr and exit 2; nothing reaches stdout."""
    message = str(error)
    click.echo(f"error: {message}" if "\n" not in message else f"error:\n{message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def timezone_option(name: str | None) -> dt.tzinfo | None:
    """A ``--timezone`` value: the IANA zone named, or None for this computer's zone, which
    dates each moment with the offset the zone's rules give on that day (a July run gets the
    summer offset, not today's)."""
    if name is None:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        fail_input(f"--timezone: unknown time zone {name!r} (e.g. Europe/Paris, UTC)")
        raise AssertionError("unreachable") from None


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False))
