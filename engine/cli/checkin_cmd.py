"""``runstrong checkin`` and ``runstrong today``: the athlete's daily loop."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from engine.app.athlete_card import Review, athlete_card, card_words
from engine.app.athlete_zone import athlete_today
from engine.app.calendar import planned_kind
from engine.app.checkin import check_in, has_checked_in
from engine.app.today import keep_for_today
from engine.cli.context import app, database_option
from engine.cli.options import echo_json, fail_input, format_option
from engine.cli.parsing import (
    ASCII_INT,
    load_mapping,
    parse_date,
    parse_pain,
    parse_upcoming,
    validated,
)
from engine.cli.questions import ask_checkin, ask_yes_no, interactive
from engine.contract.models import SESSION_KINDS, CheckIn, PlannedRun
from engine.views.athlete_card import card_text

# The flags that answer each required question, for the message when one is missing.
REQUIRED_FLAGS = {
    "recovery_pct": "--recovery",
    "slept_well": "--slept-well/--slept-badly",
    "soreness": "--soreness",
    "life_stress": "--stress",
}


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
@click.option(
    "--why",
    is_flag=True,
    help="Add the rules behind the card: rule ids, matched facts, sources, rules version.",
)
@format_option
@database_option()
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
    why: bool,
    output_format: str,
) -> None:
    """Check in for the day: store it, evaluate it with your history, show the session."""
    context = app(ctx)
    store = context.store()
    evaluator = context.evaluator()
    now = athlete_today(store, athlete_id)  # the athlete's date, in their time zone
    answers = {
        "recovery_pct": recovery,
        "slept_well": slept_well,
        "soreness": soreness,
        "life_stress": stress,
        "planned": planned,
        "note": note,
    }
    data, upcoming_runs, runs_given = _given(source, answers, day, pains, upcoming)
    data.setdefault("date", now.isoformat())
    missing = [key for key in REQUIRED_FLAGS if key not in data]
    if missing and not interactive():
        fail_input(f"missing {', '.join(REQUIRED_FLAGS[key] for key in missing)} (or give --file)")
    when = parse_date(str(data["date"]), "--date")
    if not replace and has_checked_in(store, athlete_id, when):
        if not _replace_asked(athlete_id, when):
            click.echo(f"kept the check-in of {when}")
            return
        replace = True
    if missing:
        ask_planned = "planned" not in data
        calendar_plan = planned_kind(store, athlete_id, when) if ask_planned else None
        data.update(ask_checkin(data, ask_planned, calendar_plan))
    checkin = validated(CheckIn, data)
    runs = [validated(PlannedRun, run) for run in upcoming_runs]
    result = check_in(
        store,
        evaluator,
        athlete_id,
        checkin,
        runs if runs_given else None,
        replace=replace,
        today=now,
    )
    keep_for_today(result.recommendation)
    card = athlete_card(
        result.recommendation,
        card_words(evaluator.kb, evaluator.ruleset),
        Review(result.recommendation_id, result.status),
    )
    if output_format == "json" and why:  # the recommendation with its trace
        click.echo(result.recommendation.model_dump_json(by_alias=True, indent=2))
    elif output_format == "json":
        echo_json(card.model_dump(mode="json"))
    else:
        click.echo(card_text(card, result.recommendation if why else None))


def _given(
    source: str | None,
    answers: dict[str, Any],
    day: str | None,
    pains: tuple[str, ...],
    upcoming: tuple[str, ...],
) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """The check-in as the file and the flags give it (flags win), the upcoming runs, and
    whether any were given: runs given with the check-in replace the calendar's for the day;
    none given, the calendar's count."""
    data: dict[str, Any] = load_mapping(source) if source else {}
    runs_given = bool(upcoming) or "upcoming" in data
    runs: list[dict[str, Any]] = list(data.pop("upcoming", []) or [])
    data.update({key: value for key, value in answers.items() if value is not None})
    if day:
        data["date"] = parse_date(day, "--date").isoformat()
    if pains:
        data["pain"] = [parse_pain(value) for value in pains]
    runs += [parse_upcoming(value) for value in upcoming]
    return data, runs, runs_given


def _replace_asked(athlete_id: str, when: dt.date) -> bool:
    """Whether to replace the day's check-in, asked before the questions so that nobody
    answers them all only to be refused; without a terminal, refused with how to replace."""
    if not interactive():
        fail_input(f"{athlete_id} already checked in on {when}; use --replace to replace it")
    return ask_yes_no(f"{athlete_id} already checked in on {when}. Replace today's check-in?")
