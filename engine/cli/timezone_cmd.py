"""``runstrong athlete timezone``: the athlete's own time zone, which decides their today."""

from __future__ import annotations

import click

from engine.app.athlete_zone import athlete_today, set_zone
from engine.cli.context import app, database_option


@click.command(
    "timezone",
    epilog="""Examples:

\b
  runstrong athlete timezone ana Pacific/Kiritimati
  runstrong athlete timezone ana --server     # back to this server's zone
""",
)
@click.argument("athlete_id")
@click.argument("zone", required=False)
@click.option("--server", is_flag=True, help="Use the server's zone (the default).")
@database_option()
@click.pass_context
def athlete_timezone(ctx: click.Context, athlete_id: str, zone: str | None, server: bool) -> None:
    """Set the athlete's IANA time zone: their today, check-in dates, week and imports follow
    it. Without ZONE (or --server) it goes back to the server's zone."""
    if zone is not None and server:
        raise click.UsageError("give a ZONE or --server, not both")
    store = app(ctx).store()
    set_zone(store, athlete_id, zone)
    where = zone or "the server's zone"
    click.echo(f"{athlete_id} lives in {where}; today there is {athlete_today(store, athlete_id)}")
