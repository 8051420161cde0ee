"""``runstrong serve``: the web app (coach's review, athlete's check-in, JSON API)."""

from __future__ import annotations

import click

from engine.cli.context import app, database_option


@click.command(
    "serve",
    epilog="""Examples:

\b
  runstrong serve
  runstrong --db postgresql://runstrong@db/runstrong serve --host 0.0.0.0 --port 8080 \\
      --secure-cookies always
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
@database_option()
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, secure_cookies: str) -> None:
    """Serve the web app; pages and the API need a login or an API token (runstrong user)."""
    import uvicorn  # only this command needs the web stack loaded

    from engine.web.app import create_app
    from engine.web.state import WebSettings

    context = app(ctx)
    settings = WebSettings(secure_cookies=secure_cookies)  # type: ignore[arg-type]
    web = create_app(context.store(), context.evaluator(), settings)
    uvicorn.run(web, host=host, port=port, proxy_headers=True, log_level="info")
