"""``runstrong log``: record a completed session, and list, show, edit or delete one.

``runstrong log ATHLETE --kind ...`` records a session (the ``add`` subcommand, named or not);
``runstrong log list|show|edit|delete`` look after what was logged. An edit or a delete keeps
the earlier version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from engine.app.athlete_zone import athlete_today
from engine.app.card_loading import namer_for
from engine.app.done import Corrections, done_as_recommended, rate_logged
from engine.app.log import delete_log, edit_log, get_log, list_logs, log_session
from engine.cli.context import app, database_option
from engine.cli.options import echo_json, fail_input, format_option
from engine.cli.parsing import (
    load_mapping,
    parse_date,
    parse_dose,
    parse_exercise,
    parse_rated_exercise,
)
from engine.cli.questions import interactive
from engine.contract.models import SESSION_KINDS
from engine.views.logs import as_recommended_text, log_detail_text, log_json, log_line


class LogGroup(click.Group):
    """``runstrong log ATHLETE ...`` means ``runstrong log add ATHLETE ...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["add", *args]
        return super().parse_args(ctx, args)


def session_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The flags that describe a session, shared by ``add`` and ``edit``."""
    options = [
        click.option("--kind", type=click.Choice(SESSION_KINDS)),
        click.option("--date", "day", help="Day of the session (default: today)."),
        click.option("--program"),
        click.option("--variant", help="Program variant or mode, e.g. conditioning."),
        click.option(
            "--exercise",
            "exercises",
            multiple=True,
            help=(
                "ID:SETSxREPS[@KG][:posture-ok|posture-lost][:easy|hard][:ready|not-ready]"
                " (repeat). With --as-recommended or log edit, ID:FLAGS rates one exercise."
            ),
        ),
        click.option("--duration", type=int, help="Minutes."),
        click.option(
            "--hr-settled/--hr-stayed-high",
            default=None,
            help="HIIT: heart rate back to normal on the way home?",
        ),
        click.option(
            "--slept-well-after/--slept-badly-after", default=None, help="HIIT: the night after."
        ),
        click.option(
            "--recovered-between/--not-recovered-between",
            default=None,
            help="HIIT: recovered within the planned rest?",
        ),
        click.option("--file", "source", help="Session as YAML or JSON (or - for stdin)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _has_dose(value: str) -> bool:
    """Whether an --exercise value gives a dose (ID:SETSxREPS...) rather than only ratings."""
    parts = value.split(":")
    return len(parts) >= 2 and "x" in parts[1]


def _fields(flags: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = load_mapping(flags["source"]) if flags["source"] else {}
    named = {
        "kind": flags["kind"],
        "program": flags["program"],
        "variant": flags["variant"],
        "duration_min": flags["duration"],
        "hr_back_to_normal": flags["hr_settled"],
        "slept_well_after": flags["slept_well_after"],
        "recovered_between_intervals": flags["recovered_between"],
    }
    data.update({key: value for key, value in named.items() if value is not None})
    if flags["exercises"]:
        data["exercises"] = [parse_exercise(value) for value in flags["exercises"]]
    if flags["day"]:
        data["date"] = parse_date(flags["day"], "--date").isoformat()
    return data


@click.group(
    "log",
    cls=LogGroup,
    epilog="""Examples:

\b
  runstrong log ana --kind strength --program heavy_lifting_for_runners \\
      --exercise single_kettlebell_front_rack_squat:3x10@20:posture-ok:easy \\
      --exercise isometric_pistol:3x8:posture-ok:hard
  runstrong log ana --kind hiit --hr-settled --slept-badly-after --duration 30
  runstrong log ana --kind easy_run --duration 40 --date 2026-11-20
  runstrong log ana --as-recommended --hard goblet_squat --posture-lost isometric_pistol
  runstrong log ana --as-recommended --exercise narrow_stance_squat:posture-ok:easy
  runstrong log ana --as-recommended --duration 25 --hr-settled
  runstrong log list ana
  runstrong log edit 14 --duration 45
  runstrong log delete 14
""",
)
def log_command() -> None:
    """Record a completed session (runstrong log ATHLETE ...), or look after the log."""


@log_command.command("add")
@click.argument("athlete_id")
@session_options
@click.option("--again", is_flag=True, help="Log it even if the same session is logged that day.")
@click.option(
    "--as-recommended",
    is_flag=True,
    help=(
        "The day's recommended session (the coach's version if amended), as prescribed and "
        "unrated; rate an exercise with --exercise ID:posture-ok:easy (or posture-lost, hard)."
    ),
)
@click.option("--hard", multiple=True, metavar="ID", help="With --as-recommended: felt hard.")
@click.option(
    "--posture-lost", multiple=True, metavar="ID", help="With --as-recommended: posture lost."
)
@click.option("--skipped", multiple=True, metavar="ID", help="With --as-recommended: not done.")
@click.option(
    "--dose",
    "doses",
    multiple=True,
    metavar="ID=SETSxREPS[@KG]",
    help="With --as-recommended: what was done instead of the prescription.",
)
@database_option()
@click.pass_context
def log_add(
    ctx: click.Context,
    /,
    athlete_id: str,
    again: bool,
    as_recommended: bool,
    hard: tuple[str, ...],
    posture_lost: tuple[str, ...],
    skipped: tuple[str, ...],
    doses: tuple[str, ...],
    **flags: Any,
) -> None:
    """Record a completed session (an identical one that day needs --again)."""
    if as_recommended:
        _log_as_recommended(ctx, athlete_id, again, hard, posture_lost, skipped, doses, flags)
        return
    if hard or posture_lost or skipped or doses:
        fail_input("--hard, --posture-lost, --skipped and --dose go with --as-recommended")
    data = _fields(flags)
    if "kind" not in data:
        fail_input("missing --kind (or give --file)")
    context = app(ctx)
    today = athlete_today(context.store(), athlete_id)  # the athlete's date, in their zone
    data.setdefault("date", today.isoformat())
    log_id, log = log_session(
        context.store(), context.evaluator().kb, athlete_id, data, again, today=today
    )
    click.echo(f"logged {log.kind} on {log.date} for {athlete_id} (#{log_id})")


def _log_as_recommended(
    ctx: click.Context,
    athlete_id: str,
    again: bool,
    hard: tuple[str, ...],
    posture_lost: tuple[str, ...],
    skipped: tuple[str, ...],
    doses: tuple[str, ...],
    flags: dict[str, Any],
) -> None:
    described = [name for name in ("kind", "program", "variant", "source") if flags[name]]
    if described:
        fail_input(f"--as-recommended logs the recommended session; drop --{described[0]}")
    session = {
        "duration_min": flags["duration"],
        "hr_back_to_normal": flags["hr_settled"],
        "slept_well_after": flags["slept_well_after"],
        "recovered_between_intervals": flags["recovered_between"],
    }
    corrections = Corrections(
        hard=frozenset(hard),
        posture_lost=frozenset(posture_lost),
        skipped=frozenset(skipped),
        doses=dict(parse_dose(value) for value in doses),
        rated=dict(parse_rated_exercise(value) for value in flags["exercises"]),
        session={key: value for key, value in session.items() if value is not None},
    )
    context = app(ctx)
    day = parse_date(flags["day"], "--date") if flags["day"] else None
    day = day or athlete_today(context.store(), athlete_id)
    log_id, log = done_as_recommended(
        context.store(), context.evaluator().kb, athlete_id, day, corrections, again
    )
    click.echo(as_recommended_text(athlete_id, log_id, log, namer_for(context.rules_dir)))


@log_command.command("list")
@click.argument("athlete_id")
@click.option("--since", help="From this date on (YYYY-MM-DD).")
@click.option("--all", "include_old", is_flag=True, help="Earlier and deleted versions too.")
@format_option
@database_option()
@click.pass_context
def log_list(
    ctx: click.Context, athlete_id: str, since: str | None, include_old: bool, output_format: str
) -> None:
    """An athlete's logged sessions, by date."""
    start = parse_date(since, "--since") if since else None
    logs = list_logs(app(ctx).store(), athlete_id, since=start, include_old=include_old)
    if output_format == "json":
        echo_json([log_json(item) for item in logs])
        return
    if not logs:
        click.echo(f"no sessions logged for {athlete_id}")
    namer = namer_for(app(ctx).rules_dir)
    for item in logs:
        click.echo(log_line(item, namer))


LOG_TARGET = "[ATHLETE] LOG_ID"


def _log_id(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        fail_input(f"LOG_ID: {text!r} is not a log id (a whole number, see 'log list')")
    return int(text)


def _target(first: str, second: str | None) -> tuple[str | None, int]:
    """``ATHLETE LOG_ID``, or the log id alone (the older form)."""
    return (None, _log_id(first)) if second is None else (first, _log_id(second))


def _owner(store: Any, athlete_id: str | None, log_id: int, verb: str) -> str:
    """Whose log this change is for: the athlete named, or, when none is, the log's own
    athlete once confirmed at a terminal. Log ids are shared by every athlete in the database,
    so a change without a name is refused elsewhere (a script, a typo in a README)."""
    if athlete_id is not None:
        return athlete_id
    stored = get_log(store, log_id)
    what = f"session log #{log_id} is {stored.athlete_id}'s {stored.log.kind} on {stored.log.date}"
    if interactive():
        if click.confirm(f"{what}; {verb} it?", default=False):
            return stored.athlete_id
        fail_input(f"{what}; not confirmed, nothing changed")
    fail_input(
        f"name the athlete: runstrong log {verb} {stored.athlete_id} {log_id} ({what}; log ids "
        "are shared by every athlete in the database)"
    )
    raise AssertionError("unreachable")


@log_command.command("show")
@click.argument("first", metavar=LOG_TARGET)
@click.argument("second", required=False, metavar="")
@format_option
@database_option()
@click.pass_context
def log_show(ctx: click.Context, first: str, second: str | None, output_format: str) -> None:
    """One logged session, whatever its status (the athlete's, when one is named)."""
    athlete_id, log_id = _target(first, second)
    stored = get_log(app(ctx).store(), log_id, athlete_id)
    if output_format == "json":
        echo_json(log_json(stored))
    else:
        click.echo(log_detail_text(stored, namer_for(app(ctx).rules_dir)))


@log_command.command("edit")
@click.argument("first", metavar=LOG_TARGET)
@click.argument("second", required=False, metavar="")
@session_options
@database_option()
@click.pass_context
def log_edit(ctx: click.Context, /, first: str, second: str | None, **flags: Any) -> None:
    """Correct an athlete's logged session; the earlier version is kept (superseded).

    Name the athlete (runstrong log edit ana 12 --duration 45): without one, a terminal asks
    whose log it is, and anything else is refused.
    """
    context = app(ctx)
    athlete_id, log_id = _target(first, second)
    owner = _owner(context.store(), athlete_id, log_id, "edit")
    store, kb = context.store(), context.evaluator().kb
    rated = [value for value in flags["exercises"] if not _has_dose(value)]
    if rated:
        if len(rated) < len(flags["exercises"]) or any(
            flags[name] is not None for name in flags if name != "exercises"
        ):
            fail_input(
                "--exercise ID:FLAGS rates logged exercises in place; give the whole session "
                "(every --exercise ID:SETSxREPS...) or only ratings, not both"
            )
        ratings = dict(parse_rated_exercise(value) for value in rated)
        new_id, log = rate_logged(store, kb, log_id, ratings, owner)
    else:
        new_id, log = edit_log(store, kb, log_id, _fields(flags), athlete_id=owner)
    click.echo(f"edited #{log_id}: now #{new_id} ({log.kind} on {log.date}); #{log_id} is kept")


@log_command.command("delete")
@click.argument("first", metavar=LOG_TARGET)
@click.argument("second", required=False, metavar="")
@database_option()
@click.pass_context
def log_delete(ctx: click.Context, first: str, second: str | None) -> None:
    """Delete an athlete's logged session: the engine stops counting it; the record is kept.

    Name the athlete (runstrong log delete ana 12), as for edit.
    """
    store = app(ctx).store()
    athlete_id, log_id = _target(first, second)
    owner = _owner(store, athlete_id, log_id, "delete")
    stored = delete_log(store, log_id, owner)
    click.echo(f"deleted #{log_id} ({stored.log.kind} on {stored.log.date}); the record is kept")
