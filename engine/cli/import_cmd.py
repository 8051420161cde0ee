"""``runstrong import``: the runs (and rides, swims, lifts) a watch or app recorded."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from engine.app.athlete_zone import athlete_zone
from engine.app.imports import ImportReport, Outcome, collect_files, import_activities
from engine.cli.context import app, database_option
from engine.cli.options import (
    EXIT_BAD_INPUT,
    echo_json,
    fail_input,
    format_option,
    timezone_option,
)
from engine.contract.models import SESSION_KINDS, SessionKind


def _line(outcome: Outcome) -> str:
    if outcome.status == "refused":
        return f"refused {outcome.file}: {outcome.reason}"
    log = outcome.log
    assert log is not None
    parts = [f"{log.kind} on {log.date}"]
    if log.distance_km is not None:
        parts.append(f"{log.distance_km:.2f} km")
    if log.duration_min is not None:
        parts.append(f"{log.duration_min} min moving")
    if log.avg_hr_bpm is not None:
        parts.append(f"{log.avg_hr_bpm} bpm")
    what = ", ".join(parts)
    if outcome.status == "already_there":
        return f"already there {outcome.file}: {what} (log #{outcome.log_id}; nothing changed)"
    return f"imported {outcome.file}: {what} (log #{outcome.log_id})"


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def _progress(total: int) -> Iterator[Progress | None]:
    """A progress bar on stderr, only when it is a terminal and there is more than one file."""
    if total < 2 or not _stderr_is_terminal():
        yield None
        return
    with Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True, force_terminal=True),
        transient=True,
    ) as progress:
        yield progress


@click.command(
    "import",
    epilog="""Examples:

\b
  runstrong import ana Morning_Run.fit
  runstrong import ana ~/exports/strava/ ~/Downloads/long_run.gpx
  runstrong import ana intervals.tcx --kind quality_run --timezone Europe/Paris
  runstrong import ana ~/exports/ --format json
""",
)
@click.argument("athlete_id")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE|DIR..."
)
@click.option(
    "--kind",
    type=click.Choice(SESSION_KINDS),
    help="Store every activity as this kind instead of the inferred one.",
)
@click.option(
    "--timezone",
    "timezone_name",
    help="IANA time zone that dates the activities (default: this computer's).",
)
@format_option
@database_option()
@click.pass_context
def import_command(
    ctx: click.Context,
    athlete_id: str,
    paths: tuple[Path, ...],
    kind: str | None,
    timezone_name: str | None,
    output_format: str,
) -> None:
    """Import FIT, GPX and TCX activities as session logs.

    A directory is searched for .fit, .gpx and .tcx files, gzipped or not (Strava's bulk
    export), and .zip archives (Garmin's "Export original"). Runs become long_run, quality_run
    or easy_run (thresholds in rules/settings.yaml, activity_import.*); rides, swims and other
    sports cross_training; strength activities strength. An activity already imported (the
    same file, or the same activity in another format) changes nothing. A file that cannot be
    imported is refused with its name and why; the others still import, and the exit status
    is then 2.
    """
    context = app(ctx)
    # The activities' days are the athlete's days unless --timezone says otherwise.
    timezone = (
        timezone_option(timezone_name)
        if timezone_name
        else athlete_zone(context.store(), athlete_id)
    )
    files = collect_files(paths)
    if not files:
        fail_input(
            "no .fit, .gpx, .tcx, .gz or .zip files in " + ", ".join(str(path) for path in paths)
        )
    report: ImportReport
    with _progress(len(files)) as progress:
        task = progress.add_task("import", total=len(files)) if progress else None

        def advance(_: Path) -> None:
            if progress is not None and task is not None:
                progress.advance(task)

        report = import_activities(
            context.store(),
            context.settings().activity_import,
            athlete_id,
            files,
            timezone,
            kind=cast(SessionKind | None, kind),  # click.Choice checked it
            on_file_done=advance,
        )
    if output_format == "json":
        echo_json(report.as_dict())
    else:
        for outcome in report.outcomes:
            line = _line(outcome)
            click.echo(line, err=outcome.status == "refused")
        click.echo(report.summary())
    if report.refused:
        sys.exit(EXIT_BAD_INPUT)
