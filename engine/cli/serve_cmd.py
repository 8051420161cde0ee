"""``runstrong serve``: the web app (coach's review, athlete's check-in, JSON API)."""

from __future__ import annotations

from typing import Literal, cast

import click

from engine.cli.context import app, database_option


@click.command(
    "serve",
    epilog="""Examples:

\b
  runstrong serve
  runstrong --db postgresql://runstrong@db/runstrong serve --host 0.0.0.0 --port 8080 \\
      --secure-cookies always --workers 4
""",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--secure-cookies",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Secure cookies: auto = when the request came over HTTPS (or X-Forwarded-Proto).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes; they share only the database (best on PostgreSQL).",
)
@database_option()
@click.pass_context
def serve_command(
    ctx: click.Context, host: str, port: int, secure_cookies: str, workers: int
) -> None:
    """Serve the web app; pages and the API need a login or an API token (runstrong user)."""
    import uvicorn  # only this command needs the web stack loaded

    from engine.web.factory import ServeConfig, build

    context = app(ctx)
    context.store()  # a missing or damaged database is refused (and migrated) once, here
    config = ServeConfig(
        context.db_url,
        str(context.rules_dir) if context.rules_dir else None,
        cast(Literal["auto", "always", "never"], secure_cookies),
    )
    if workers == 1:
        uvicorn.run(build(config), host=host, port=port, proxy_headers=True, log_level="info")
        return
    config.to_environment()
    uvicorn.run(
        "engine.web.factory:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        proxy_headers=True,
        log_level="info",
    )
