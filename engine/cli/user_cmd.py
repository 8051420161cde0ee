"""``runstrong user`` and ``runstrong coach``: web accounts and who coaches whom."""

from __future__ import annotations

import sys

import click

from engine.app.accounts import ROLES, add_user, assign_coach, issue_token
from engine.cli.context import app, database_option


@click.group("user")
def user_group() -> None:
    """Accounts for the web app (runstrong serve)."""


@user_group.command(
    "add",
    epilog="""Examples:

\b
  printf '%s' "$COACH_PASSWORD" | runstrong user add sam --role coach --password-stdin
  runstrong user add ana --role athlete --athlete ana --password-stdin < ana-password.txt
""",
)
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--athlete", "athlete_id", help="The athlete profile an athlete user is.")
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the password from standard input (never from the command line).",
)
@database_option()
@click.pass_context
def user_add(
    ctx: click.Context, name: str, role: str, athlete_id: str | None, password_stdin: bool
) -> None:
    """Add a user; the password is stored only as an argon2 hash."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else ""
    user = add_user(app(ctx).store(), name, role, password, athlete_id)
    suffix = f" for athlete {user.athlete_id}" if user.athlete_id else ""
    click.echo(f"added {user.role} {user.name}{suffix}")


@user_group.command("token", epilog="Example:\n\n  runstrong user token sam")
@click.argument("name")
@database_option()
@click.pass_context
def user_token(ctx: click.Context, name: str) -> None:
    """Print a new API token for NAME (Authorization: Bearer TOKEN). Only its hash is kept,
    so it cannot be shown again."""
    click.echo(issue_token(app(ctx).store(), name))


@click.group("coach")
def coach_group() -> None:
    """Who coaches whom."""


@coach_group.command("assign", epilog="Example:\n\n  runstrong coach assign sam ana")
@click.argument("coach")
@click.argument("athlete_id")
@database_option()
@click.pass_context
def coach_assign(ctx: click.Context, coach: str, athlete_id: str) -> None:
    """Let COACH see and decide for ATHLETE (whose ladder advances then wait for review)."""
    added = assign_coach(app(ctx).store(), coach, athlete_id)
    click.echo(f"{coach} coaches {athlete_id}" + ("" if added else " (already)"))
