"""``runstrong user`` and ``runstrong coach``: web accounts and who coaches whom."""

from __future__ import annotations

import sys

import click

from engine.app.account_admin import (
    list_users,
    revoke_tokens,
    set_disabled,
    set_password,
    tokens_of,
    unassign_coach,
)
from engine.app.accounts import (
    ROLES,
    AccessSettings,
    add_user,
    assign_coach,
    issue_token,
    token_expiry,
)
from engine.cli.context import app, database_option

# Who made a change from the command line, in the access audit.
CLI_ACTOR = "command line"


def _read_password() -> str:
    return sys.stdin.readline().rstrip("\r\n")


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
    """Add a user; the password (at least 12 characters, not a common one) is stored only as an
    argon2 hash."""
    password = _read_password() if password_stdin else ""
    user = add_user(app(ctx).store(), name, role, password, athlete_id)
    suffix = f" for athlete {user.athlete_id}" if user.athlete_id else ""
    click.echo(f"added {user.role} {user.name}{suffix}")


@user_group.command("list", epilog="Example:\n\n  runstrong user list")
@database_option()
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """Every user: name, role, the athletes they see, and whether they are disabled."""
    for listing in list_users(app(ctx).store()):
        user = listing.user
        state = "disabled" if user.disabled else "active"
        athletes = ",".join(listing.athletes) or "-"
        click.echo(f"{user.name:<24} {user.role:<8} {state:<9} {athletes}")


@user_group.command("disable", epilog="Example:\n\n  runstrong user disable ana")
@click.argument("name")
@database_option()
@click.pass_context
def user_disable(ctx: click.Context, name: str) -> None:
    """Stop NAME logging in; their login sessions end and their API tokens are revoked now."""
    changed = set_disabled(app(ctx).store(), name, True, CLI_ACTOR)
    click.echo(f"{name} disabled" + ("" if changed else " (already)"))


@user_group.command("enable", epilog="Example:\n\n  runstrong user enable ana")
@click.argument("name")
@database_option()
@click.pass_context
def user_enable(ctx: click.Context, name: str) -> None:
    """Let NAME log in again (revoked tokens stay revoked: issue a new one)."""
    changed = set_disabled(app(ctx).store(), name, False, CLI_ACTOR)
    click.echo(f"{name} enabled" + ("" if changed else " (already)"))


@user_group.command(
    "password",
    epilog="Example:\n\n  runstrong user password ana --password-stdin < new-password.txt",
)
@click.argument("name")
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the new password from standard input (never from the command line).",
)
@database_option()
@click.pass_context
def user_password(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set NAME's password; every login session and API token of NAME is revoked."""
    set_password(app(ctx).store(), name, _read_password(), CLI_ACTOR)
    click.echo(f"password of {name} changed; their sessions and tokens are revoked")


class _TokenGroup(click.Group):
    """``user token NAME`` issues a token (as it always did); ``user token list|revoke ...``
    manage them. A user actually named list or revoke: ``user token new NAME``."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands:
            args = ["new", *args]
        return super().resolve_command(ctx, args)


@user_group.group(
    "token",
    cls=_TokenGroup,
    epilog="""Examples:

\b
  runstrong user token sam                 # a new token, shown once
  runstrong user token sam --days 30
  runstrong user token list sam
  runstrong user token revoke sam 3        # or --all
""",
)
def token_group() -> None:
    """API tokens (Authorization: Bearer TOKEN): issue, list, revoke."""


@token_group.command("new")
@click.argument("name")
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    help=f"How long the token lasts (default {AccessSettings().token_days}).",
)
@database_option()
@click.pass_context
def token_new(ctx: click.Context, name: str, days: int | None) -> None:
    """Print a new API token for NAME. Only its hash is kept, so it cannot be shown again."""
    click.echo(issue_token(app(ctx).store(), name, days))


@token_group.command("list")
@click.argument("name")
@database_option()
@click.pass_context
def token_list(ctx: click.Context, name: str) -> None:
    """NAME's tokens: id, issued, expires, and revoked when they were (never the token)."""
    settings = AccessSettings()
    for token in tokens_of(app(ctx).store(), name):
        revoked = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "live"
        click.echo(
            f"{token.id:>5}  issued {token.created_at:%Y-%m-%d %H:%M}  "
            f"expires {token_expiry(token, settings):%Y-%m-%d %H:%M} UTC  {revoked}"
        )


@token_group.command("revoke")
@click.argument("name")
@click.argument("token_id", required=False, type=click.IntRange(1))
@click.option("--all", "revoke_all", is_flag=True, help="Revoke every live token of NAME.")
@database_option()
@click.pass_context
def token_revoke(ctx: click.Context, name: str, token_id: int | None, revoke_all: bool) -> None:
    """Revoke NAME's token TOKEN_ID (see 'user token list'), or --all of them."""
    if (token_id is None) == (not revoke_all):
        raise click.UsageError("give a TOKEN_ID or --all (not both)")
    count = revoke_tokens(app(ctx).store(), name, token_id, CLI_ACTOR)
    click.echo(f"revoked {count} token{'s' if count != 1 else ''} of {name}")


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


@coach_group.command("unassign", epilog="Example:\n\n  runstrong coach unassign sam ana")
@click.argument("coach")
@click.argument("athlete_id")
@database_option()
@click.pass_context
def coach_unassign(ctx: click.Context, coach: str, athlete_id: str) -> None:
    """COACH no longer sees or decides for ATHLETE (with no coach left, the athlete's
    recommendations are final again)."""
    removed = unassign_coach(app(ctx).store(), coach, athlete_id)
    click.echo(f"{coach} no longer coaches {athlete_id}" + ("" if removed else " (did not)"))
