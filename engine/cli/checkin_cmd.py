"""``runstrong checkin``, ``runstrong log`` and ``runstrong today``: the athlete's daily loop."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import click
from pydantic import ValidationError

from engine.app.checkin import check_in, todays_recommendation
from engine.cli.context import app
from engine.cli.options import echo_json, fail_input, format_option
from engine.cli.parsing import (
    ASCII_INT,
    AsciiIntRange,
    parse_date,
    parse_exercise,
    parse_pain,
    parse_upcoming,
)
from engine.contract.errors import InputError, Problem
from engine.contract.models import SESSION_KINDS, CheckIn, PlannedRun, SessionLog
from engine.loading.inputs import load_text, read_text
from engine.loading.yamlio import problems_from_validation
from engine.storage.reviews import ReviewStore
from engine.storage.store import StoreError
from engine.views.cards import recommendation_text

# What the check-in asks for when a flag is missing and someone is at the terminal.
PROMPTS: list[tuple[str, str, click.ParamType[Any]]] = [
    ("recovery_pct", "How recovered do you feel (0-100 %)?", AsciiIntRange(0, 100)),
    ("slept_well", "Did you sleep well?", click.BOOL),
    ("soreness", "Muscle soreness (0 none - 10 very sore)?", AsciiIntRange(0, 10)),
    ("life_stress", "Life stress outside training (0-10)?", AsciiIntRange(0, 10)),
]


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _load_file(source: str) -> dict[str, Any]:
    text, name = read_text(source)
    located = load_text(text, name)
    if not isinstance(located.data, dict):
        raise InputError([Problem("expected a mapping at the top level", file=name, line=1)])
    upcoming = located.data.get("upcoming", [])
    if upcoming is not None and not isinstance(upcoming, list):
        line = located.line_for(("upcoming",))
        raise InputError(
            [Problem("should be a list of planned runs", file=name, line=line, field="upcoming")]
        )
    return located.data


def _validated(model: Any, data: dict[str, Any], context: dict[str, Any] | None = None) -> Any:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        fail_input(InputError(problems_from_validation(error, None)))


@click.command(
    "checkin",
    epilog="""Examples:

\b
  runstrong checkin ana --recovery 85 --slept-well --soreness 2 --stress 3 --planned strength
  runstrong checkin ana --recovery 70 --slept-badly --soreness 5 --stress 8 \\
      --pain knee:3:forward_backward_pogo --upcoming long_run@2026-11-29
  runstrong checkin ana --file checkin.yaml --replace
  runstrong checkin ana            # asks for each answer at the terminal
""",
)
@click.argument("athlete_id")
@click.option("--date", "day", help="Day of the check-in (default: today).")
@click.option("--recovery", type=ASCII_INT, help="How recovered, 0-100 %.")
@click.option("--slept-well/--slept-badly", default=None)
@click.option("--soreness", type=ASCII_INT, help="0-10.")
@click.option("--stress", type=ASCII_INT, help="Life stress outside training, 0-10.")
@click.option("--pain", "pains", multiple=True, help="AREA:SEVERITY[:DURING] (repeat).")
@click.option("--planned", type=click.Choice(SESSION_KINDS), help="What you planned today.")
@click.option("--upcoming", "upcoming", multiple=True, help="Planned run KIND@DATE (repeat).")
@click.option("--note")
@click.option("--file", "source", help="Check-in as YAML or JSON (or - for stdin).")
@click.option("--replace", is_flag=True, help="Replace today's check-in without asking.")
@format_option
@click.pass_context
def checkin_command(
    ctx: click.Context,
    athlete_id: str,
    day: str | None,
    recovery: int | None,
    slept_well: bool | None,
    soreness: int | None,
    stress: int | None,
    pains: tuple[str, ...],
    planned: str | None,
    upcoming: tuple[str, ...],
    note: str | None,
    source: str | None,
    replace: bool,
    output_format: str,
) -> None:
    """Check in for the day: store it, evaluate it with your history, show the session."""
    context = app(ctx)
    store = context.store()
    evaluator = context.evaluator()
    today = dt.date.today()
    data: dict[str, Any] = {}
    upcoming_runs: list[dict[str, Any]] = []
    # Runs given with the check-in replace the calendar's for this day; none given: calendar.
    runs_given = bool(upcoming)
    if source:
        try:
            data = _load_file(source)
        except InputError as error:
            fail_input(error)
        runs_given = runs_given or "upcoming" in data
        upcoming_runs = list(data.pop("upcoming", []) or [])
    flags = {
        "recovery_pct": recovery,
        "slept_well": slept_well,
        "soreness": soreness,
        "life_stress": stress,
        "planned": planned,
        "note": note,
    }
    data.update({key: value for key, value in flags.items() if value is not None})
    if day:
        data["date"] = parse_date(day, "--date").isoformat()
    data.setdefault("date", today.isoformat())
    if pains:
        data["pain"] = [parse_pain(value) for value in pains]
    upcoming_runs += [parse_upcoming(value) for value in upcoming]
    missing = [key for key, _, _ in PROMPTS if key not in data]
    if missing and _interactive():
        for key, question, kind in PROMPTS:
            if key in data:
                continue
            data[key] = click.prompt(question, type=kind)
    elif missing:
        flag_names = {
            "recovery_pct": "--recovery",
            "slept_well": "--slept-well/--slept-badly",
            "soreness": "--soreness",
            "life_stress": "--stress",
        }
        fail_input(f"missing {', '.join(flag_names[key] for key in missing)} (or give --file)")
    checkin = _validated(CheckIn, data)
    runs = [_validated(PlannedRun, run) for run in upcoming_runs]
    try:
        store.get_athlete(athlete_id)
        existing = store.get_checkin(athlete_id, checkin.date)
    except StoreError as error:
        fail_input(str(error))
        return
    if existing is not None and not replace:
        if not _interactive():
            fail_input(
                f"{athlete_id} already checked in on {checkin.date}; use --replace to replace it"
            )
        click.confirm(f"{athlete_id} already checked in on {checkin.date}. Replace it?", abort=True)
        replace = True
    try:
        result = check_in(
            store,
            evaluator,
            athlete_id,
            checkin,
            runs if runs_given else None,
            replace=replace,
            today=today,
        )
    except InputError as error:
        fail_input(error)
        return
    except StoreError as error:
        fail_input(str(error))
        return
    if output_format == "json":
        click.echo(result.recommendation.model_dump_json(by_alias=True, indent=2))
    else:
        click.echo(recommendation_text(result.recommendation))
        click.echo(f"\nrecommendation #{result.recommendation_id} (pending review)")


@click.command(
    "log",
    epilog="""Examples:

\b
  runstrong log ana --kind strength --program heavy_lifting_for_runners \\
      --exercise single_kettlebell_front_rack_squat:3x10@20:posture-ok:easy \\
      --exercise isometric_pistol:3x8:posture-ok:hard
  runstrong log ana --kind hiit --hr-settled --slept-badly-after --duration 30
  runstrong log ana --kind easy_run --duration 40 --date 2026-11-20
  runstrong log ana --file session.yaml
""",
)
@click.argument("athlete_id")
@click.option("--kind", type=click.Choice(SESSION_KINDS))
@click.option("--date", "day", help="Day of the session (default: today).")
@click.option("--program")
@click.option("--variant", help="Program variant or mode, e.g. conditioning.")
@click.option(
    "--exercise",
    "exercises",
    multiple=True,
    help="ID:SETSxREPS[@KG][:posture-ok|posture-lost][:easy|hard] (repeat).",
)
@click.option("--duration", type=ASCII_INT, help="Minutes.")
@click.option(
    "--hr-settled/--hr-stayed-high",
    default=None,
    help="HIIT: heart rate back to normal on the way home?",
)
@click.option("--slept-well-after/--slept-badly-after", default=None, help="HIIT: the night after.")
@click.option(
    "--recovered-between/--not-recovered-between",
    default=None,
    help="HIIT: recovered within the planned rest?",
)
@click.option("--file", "source", help="Session as YAML or JSON (or - for stdin).")
@click.pass_context
def log_command(
    ctx: click.Context,
    athlete_id: str,
    kind: str | None,
    day: str | None,
    program: str | None,
    variant: str | None,
    exercises: tuple[str, ...],
    duration: int | None,
    hr_settled: bool | None,
    slept_well_after: bool | None,
    recovered_between: bool | None,
    source: str | None,
) -> None:
    """Record a completed session."""
    context = app(ctx)
    store = context.store()
    data: dict[str, Any] = {}
    if source:
        try:
            data = _load_file(source)
        except InputError as error:
            fail_input(error)
    flags = {
        "kind": kind,
        "program": program,
        "variant": variant,
        "duration_min": duration,
        "hr_back_to_normal": hr_settled,
        "slept_well_after": slept_well_after,
        "recovered_between_intervals": recovered_between,
    }
    data.update({key: value for key, value in flags.items() if value is not None})
    if exercises:
        data["exercises"] = [parse_exercise(value) for value in exercises]
    if day:
        data["date"] = parse_date(day, "--date").isoformat()
    data.setdefault("date", dt.date.today().isoformat())
    if "kind" not in data:
        fail_input("missing --kind (or give --file)")
    log = _validated(SessionLog, data, {"kb": context.evaluator().kb})
    if log.date > dt.date.today():
        fail_input(f"date: {log.date} is in the future")
    try:
        log_id = store.log_session(athlete_id, log)
    except StoreError as error:
        fail_input(str(error))
        return
    click.echo(f"logged {log.kind} on {log.date} for {athlete_id} (#{log_id})")


@click.command(
    "today",
    epilog="""Examples:

\b
  runstrong today ana
  runstrong today ana --format json
""",
)
@click.argument("athlete_id")
@click.option("--date", "day", help="Another day's recommendation (default: today).")
@format_option
@click.pass_context
def today_command(ctx: click.Context, athlete_id: str, day: str | None, output_format: str) -> None:
    """Show today's recommendation."""
    when = parse_date(day, "--date") if day else dt.date.today()
    try:
        stored = todays_recommendation(app(ctx).store(), athlete_id, when)
    except StoreError as error:
        fail_input(str(error))
        return
    if stored is None:
        fail_input(f"no check-in for {athlete_id} on {when}; run 'runstrong checkin {athlete_id}'")
        return
    amended, coach_note = ReviewStore(app(ctx).store()).review_state(stored.id)
    recommendation = stored.recommendation
    if amended is not None:  # the coach's version replaces the original
        recommendation = recommendation.model_copy(update={"session": amended})
    if output_format == "json":
        data = recommendation.model_dump(mode="json", by_alias=True)
        data["id"] = stored.id
        data["status"] = stored.status
        data["coach_note"] = coach_note
        data["amended_by_coach"] = amended is not None
        echo_json(data)
        return
    click.echo(recommendation_text(recommendation))
    status = {
        "pending": "waiting for your coach's review",
        "approved": "approved by your coach",
        "amended": "amended by your coach (the session above is the coach's version)",
        "rejected": "rejected by your coach",
    }.get(stored.status, stored.status)
    click.echo(f"\nrecommendation #{stored.id}: {status}")
    if coach_note:
        click.echo(f"coach's note: {coach_note}")
