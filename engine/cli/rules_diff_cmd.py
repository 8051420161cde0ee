"""``runstrong rules diff``: replay check-ins under two rule sets and report what changes."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from engine.cli.context import app
from engine.cli.options import EXIT_FAILED_CHECK, echo_json, fail_input, format_option
from engine.cli.parsing import AsciiIntRange
from engine.contract.errors import InputError
from engine.ruletools.replay import (
    DEFAULT_EXAMPLES,
    DEFAULT_LISTED,
    DatabaseSource,
    FileSource,
    RequestSource,
    replay,
    report_text,
    resolve_rules,
)


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class _ProgressBar:
    """A rich progress bar on stderr, started on the first report (after the workers exist)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("replaying"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("check-ins"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task: Any = None

    def __call__(self, done: int, total: int | None) -> None:
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("replay", total=total)
        self.progress.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.task is not None:
            self.progress.stop()


@click.command(
    "diff",
    epilog="""Replays every stored check-in (the request each recommendation was computed
from, i.e. the history as it stood that day; superseded ones are skipped) or every line of a
JSON Lines request file under both rule sets, and reports how many recommendations change,
grouped by what changed and by the rules responsible, with examples. A recommendation whose
rules fired differently without changing is counted as "trace only".

--base is a rule directory or a git ref of the repository you are in (its rules/ is exported;
its knowledge_base/ too when that differs from the current one). --head defaults to the
bundled rules.

Exit status: 0 done; 1 with --fail-on-change when a recommendation changed; 2 for bad rules,
a bad ref, a missing file or database, or requests that could not be read.

\b
Examples:
  runstrong rules diff --base main
  runstrong rules diff --base rules-before/ --head rules/ --requests requests.jsonl
  runstrong --db sqlite:///team.db rules diff --base v1.2 --format json --fail-on-change
""",
)
@click.option("--base", "base", required=True, metavar="DIR|GIT_REF", help="Rules before.")
@click.option(
    "--head",
    "head",
    metavar="DIR|GIT_REF",
    help="Rules after (default: the bundled rules).",
)
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Database whose check-ins to replay (default: the global --db / RUNSTRONG_DB).",
)
@click.option(
    "--requests",
    "requests_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.jsonl",
    help="Replay the requests of a JSON Lines file instead of a database.",
)
@format_option
@click.option(
    "--fail-on-change", is_flag=True, help="Exit with status 1 when a recommendation changed."
)
@click.option(
    "--workers",
    type=AsciiIntRange(min=1),
    help="Processes to replay with (default: one per CPU; 1 replays in this process).",
)
@click.option(
    "--examples",
    type=AsciiIntRange(min=0),
    default=DEFAULT_EXAMPLES,
    show_default=True,
    help="Examples shown per group.",
)
@click.option(
    "--list",
    "listed",
    type=AsciiIntRange(min=0),
    default=DEFAULT_LISTED,
    show_default=True,
    help="Check-ins listed per group.",
)
@click.pass_context
def diff_command(
    ctx: click.Context,
    base: str,
    head: str | None,
    db_url: str | None,
    requests_file: Path | None,
    output_format: str,
    fail_on_change: bool,
    workers: int | None,
    examples: int,
    listed: int,
) -> None:
    """Replay check-ins under two rule sets and report which recommendations change."""
    if db_url and requests_file:
        raise click.UsageError("give --db or --requests, not both")
    bar = _ProgressBar() if _stderr_is_terminal() else None
    try:
        with ExitStack() as stack:
            base_rules = stack.enter_context(resolve_rules(base))
            head_rules = stack.enter_context(resolve_rules(head))
            source: RequestSource
            if requests_file is not None:
                source = FileSource(requests_file)
            else:
                source = DatabaseSource(db_url or app(ctx).db_url)
            try:
                report = replay(
                    base_rules,
                    head_rules,
                    source,
                    workers=workers,
                    examples=examples,
                    listed=listed,
                    progress=bar,
                )
            finally:
                if bar is not None:
                    bar.close()
    except InputError as error:
        fail_input(error)
        return
    except SQLAlchemyError as error:
        fail_input(f"cannot read the database: {error}")
        return
    if output_format == "json":
        echo_json(report.to_json())
    else:
        click.echo(report_text(report))
    if report.not_evaluated:
        fail_input(
            f"{report.not_evaluated} request(s) could not be read or evaluated "
            f"(first: {report.problems[0]})"
        )
    if fail_on_change and report.changed:
        sys.exit(EXIT_FAILED_CHECK)
