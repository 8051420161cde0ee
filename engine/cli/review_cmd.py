"""``runstrong review``: the coach's queue, the reasons, and approve / amend / reject."""

from __future__ import annotations

from typing import Any

import click

from engine.app.review import Amendment, amend, approve, queue, reject, rule_stats
from engine.cli.context import app
from engine.cli.options import echo_json, fail_input, format_option
from engine.cli.parsing import ASCII_INT, decimal_number, parse_date, whole_number
from engine.contract.errors import InputError
from engine.contract.formatting import fmt_value
from engine.contract.models import SESSION_KINDS, Session
from engine.loading.inputs import load_document
from engine.storage.reviews import REASON_CODES, ReviewEvent, ReviewStore
from engine.storage.store import StoreError
from engine.views.cards import recommendation_text

STATUSES = ("pending", "approved", "amended", "rejected")

reviewer_option = click.option(
    "--reviewer",
    envvar="RUNSTRONG_REVIEWER",
    required=True,
    help="Who decides (or RUNSTRONG_REVIEWER).",
)
force_option = click.option("--force", is_flag=True, help="Decide again on a decided one.")
note_option = click.option("--note", help="A note the athlete sees with the session.")


def _event_dict(event: ReviewEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "recommendation": event.recommendation_id,
        "athlete": event.athlete_id,
        "action": event.action,
        "reviewer": event.reviewer,
        "at": event.at.isoformat(timespec="seconds"),
        "from": event.previous_status,
        "to": event.new_status,
        "reason_code": event.reason_code,
        "note": event.note,
        "changes": event.changes,
        "forced": event.forced,
    }


def _event_line(event: ReviewEvent) -> str:
    parts = [
        f"{event.at.isoformat(timespec='seconds')}  {event.reviewer}: {event.action} "
        f"({event.previous_status} -> {event.new_status})"
    ]
    if event.forced:
        parts.append("[forced]")
    if event.reason_code:
        parts.append(f"reason: {event.reason_code}")
    if event.note:
        parts.append(f"note: {event.note}")
    for key, value in event.changes.items():
        parts.append(f"{key}: {value}")
    return "  ".join(parts)


@click.group("review")
def review_group() -> None:
    """The coach's review of recommendations."""


@review_group.command(
    "list",
    epilog="""Examples:

\b
  runstrong review list
  runstrong review list --status rejected --athlete ana --format json
""",
)
@click.option(
    "--status", type=click.Choice([*STATUSES, "all"]), default="pending", show_default=True
)
@click.option("--athlete", "athlete_id")
@format_option
@click.pass_context
def review_list(
    ctx: click.Context, status: str, athlete_id: str | None, output_format: str
) -> None:
    """The review queue, oldest first, with what needs attention."""
    items = queue(app(ctx).store(), None if status == "all" else status, athlete_id)
    if output_format == "json":
        echo_json(
            [
                {
                    "id": item.recommendation.id,
                    "athlete": item.recommendation.athlete_id,
                    "date": item.recommendation.date.isoformat(),
                    "status": item.recommendation.status,
                    "session": item.summary,
                    "flags": item.flags,
                }
                for item in items
            ]
        )
        return
    if not items:
        click.echo(f"no {status if status != 'all' else ''} recommendations".replace("  ", " "))
    for item in items:
        stored = item.recommendation
        flags = f"  [{'; '.join(item.flags)}]" if item.flags else ""
        click.echo(
            f"#{stored.id:<5} {stored.date}  {stored.athlete_id:<16} {stored.status:<9} "
            f"{item.summary}{flags}"
        )


@review_group.command("show", epilog="Example:\n\n  runstrong review show 12")
@click.argument("recommendation_id", type=ASCII_INT)
@format_option
@click.pass_context
def review_show(ctx: click.Context, recommendation_id: int, output_format: str) -> None:
    """Everything behind one recommendation: check-in, features, rules, sources, decisions."""
    context = app(ctx)
    store = context.store()
    kb = context.evaluator().kb
    try:
        stored = store.get_recommendation(recommendation_id)
        reviews = ReviewStore(store)
        amended, coach_note = reviews.review_state(recommendation_id)
        events = reviews.events(recommendation_id)
    except StoreError as error:
        fail_input(str(error))
        return
    rec = stored.recommendation
    if output_format == "json":
        echo_json(
            {
                "id": stored.id,
                "status": stored.status,
                "coach_note": coach_note,
                "amended_session": amended.model_dump(mode="json") if amended else None,
                "checkin": stored.request.get("checkin"),
                "recommendation": rec.model_dump(mode="json", by_alias=True),
                "events": [_event_dict(event) for event in events],
            }
        )
        return
    checkin = stored.request.get("checkin", {})
    lines = [
        f"Recommendation #{stored.id} for {stored.athlete_id} on {stored.date}: {stored.status}"
    ]
    lines.append(f"  rules {stored.rules_version}")
    lines.append("CHECK-IN")
    for key in ("recovery_pct", "slept_well", "soreness", "life_stress", "planned", "note"):
        if checkin.get(key) is not None:
            lines.append(f"  {key}: {checkin[key]}")
    for pain in checkin.get("pain", []):
        lines.append(
            f"  pain: {pain['area']} {pain['severity']}/10"
            + (f" during {pain['during']}" if pain.get("during") else "")
        )
    lines.append("HISTORY FEATURES THE RULES SAW")
    for key, value in rec.features.get("history", {}).items():
        lines.append(f"  {key}: {value}")
    for ladder, values in rec.features.get("ladders", {}).items():
        lines.append(
            f"  ladder {ladder}: stage {values['stage']}, {values['weeks_on_stage']} weeks, "
            f"posture held {values['recent_posture_held']}, felt easy "
            f"{values['recent_felt_easy']}"
        )
    for program, values in rec.features.get("programs", {}).items():
        lines.append(
            f"  program {program}: {values['sessions_this_week']} this week "
            f"(min {values['min_per_week']})"
        )
    lines.append("RULES FIRED, IN ORDER")
    for index, entry in enumerate(rec.rationale, start=1):
        lines.append(f"  {index}. {entry.rule}: {entry.summary}")
        for values in entry.matched.values():
            shown = ", ".join(f"{k}={fmt_value(v)}" for k, v in values.items() if k != "fact")
            lines.append(f"       matched {values.get('fact')}: {shown}")
        for concluded in entry.concluded:
            lines.append(f"       concluded {concluded}")
        for source in entry.sources:
            lines.append(f"       source {source}: {kb.describe_source(source)}")
    lines.append("CONSTRAINTS")
    lines.extend(
        f"  {c.kind}{'=' + str(c.value) if c.value else ''} ({c.rule})" for c in rec.constraints
    )
    lines.append("PROPOSALS")
    lines.extend(
        f"  {a.outcome}: {a.kind}{' ' + a.program if a.program else ''} (preference {a.priority}, "
        f"{a.proposed_by}): {a.reason}"
        for a in rec.alternatives
    )
    lines.append("PROGRESSIONS")
    lines.extend(
        f"  {p.ladder}: {p.action} {p.from_} -> {p.to}: {p.reason}" for p in rec.progressions
    )
    lines.append("")
    lines.append(
        recommendation_text(rec) if amended is None else "AMENDED SESSION (shown to the athlete)"
    )
    if amended is not None:
        lines.append(recommendation_text(rec.model_copy(update={"session": amended})))
    if coach_note:
        lines.append(f"COACH'S NOTE: {coach_note}")
    lines.append("DECISIONS")
    lines.extend(f"  {_event_line(event)}" for event in events) if events else lines.append(
        "  none yet"
    )
    click.echo("\n".join(lines))


def _decided(event: ReviewEvent) -> None:
    click.echo(
        f"#{event.recommendation_id}: {event.new_status} by {event.reviewer}"
        + (f" ({'; '.join(str(v) for v in event.changes.values())})" if event.changes else "")
    )


@review_group.command(
    "approve", epilog="Example:\n\n  runstrong review approve 12 --reviewer sam --note 'Nice work'"
)
@click.argument("recommendation_id", type=ASCII_INT)
@reviewer_option
@note_option
@force_option
@click.pass_context
def review_approve(
    ctx: click.Context, recommendation_id: int, reviewer: str, note: str | None, force: bool
) -> None:
    """Approve a recommendation (a proposed ladder advance then takes effect)."""
    try:
        _decided(approve(app(ctx).store(), recommendation_id, reviewer, note, force))
    except StoreError as error:
        fail_input(str(error))


@review_group.command(
    "reject",
    epilog=f"""Reason codes: {", ".join(REASON_CODES)}.

\b
Example:
  runstrong review reject 12 --reason athlete_context --reviewer sam --note 'Travelling today'
""",
)
@click.argument("recommendation_id", type=ASCII_INT)
@click.option("--reason", "reason_code", type=click.Choice(REASON_CODES), required=True)
@reviewer_option
@note_option
@force_option
@click.pass_context
def review_reject(
    ctx: click.Context,
    recommendation_id: int,
    reason_code: str,
    reviewer: str,
    note: str | None,
    force: bool,
) -> None:
    """Reject a recommendation with a coded reason."""
    try:
        _decided(reject(app(ctx).store(), recommendation_id, reviewer, reason_code, note, force))
    except StoreError as error:
        fail_input(str(error))


def _parse_dose(value: str) -> tuple[str, dict[str, Any]]:
    exercise, _, dose = value.partition("=")
    sets, _, rest = dose.partition("x")
    reps, _, load = rest.partition("@")
    try:
        changes: dict[str, Any] = {"sets": whole_number(sets), "reps": whole_number(reps)}
        if load:
            changes["load_kg"] = decimal_number(load)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} should look like EXERCISE=SETSxREPS[@KG]", param_hint="--dose"
        ) from None
    return exercise, changes


@review_group.command(
    "amend",
    epilog="""Examples:

\b
  runstrong review amend 12 --reviewer sam --swap deficit_reverse_lunge=reverse_lunge
  runstrong review amend 12 --reviewer sam --dose goblet_squat=3x8@16 --drop forward_backward_pogo
  runstrong review amend 12 --reviewer sam --kind easy_run --intensity low --note 'Rest the legs'
  runstrong review amend 12 --reviewer sam --file session.yaml
""",
)
@click.argument("recommendation_id", type=ASCII_INT)
@click.option(
    "--kind",
    type=click.Choice(SESSION_KINDS),
)
@click.option("--intensity", type=click.Choice(["rest", "low", "moderate", "high"]))
@click.option("--drop", multiple=True, help="Exercise id to remove (repeat).")
@click.option("--swap", multiple=True, help="OLD=NEW exercise ids (repeat).")
@click.option("--dose", multiple=True, help="EXERCISE=SETSxREPS[@KG] (repeat).")
@click.option("--file", "source", help="A whole session as YAML or JSON.")
@reviewer_option
@note_option
@force_option
@click.pass_context
def review_amend(
    ctx: click.Context,
    recommendation_id: int,
    kind: str | None,
    intensity: str | None,
    drop: tuple[str, ...],
    swap: tuple[str, ...],
    dose: tuple[str, ...],
    source: str | None,
    reviewer: str,
    note: str | None,
    force: bool,
) -> None:
    """Change a recommendation's session; it is checked against the knowledge base and the
    athlete's equipment."""
    context = app(ctx)
    amendment = Amendment(kind=kind, intensity=intensity, drop=list(drop))
    for value in swap:
        old, _, new = value.partition("=")
        if not old or not new:
            raise click.BadParameter(f"{value!r} should look like OLD=NEW", param_hint="--swap")
        amendment.swap.append((old, new))
    amendment.dose = [_parse_dose(value) for value in dose]
    try:
        if source:
            amendment.session = load_document(source, Session)
        event = amend(
            context.store(),
            context.evaluator().kb,
            recommendation_id,
            amendment,
            reviewer,
            note,
            force,
        )
    except (InputError, StoreError) as error:
        fail_input(error if isinstance(error, InputError) else str(error))
        return
    _decided(event)


@review_group.command("log", epilog="Example:\n\n  runstrong review log 12")
@click.argument("recommendation_id", type=ASCII_INT)
@format_option
@click.pass_context
def review_log(ctx: click.Context, recommendation_id: int, output_format: str) -> None:
    """The audit trail of one recommendation: who decided what, when, and why."""
    try:
        events = ReviewStore(app(ctx).store()).events(recommendation_id)
    except StoreError as error:
        fail_input(str(error))
        return
    if output_format == "json":
        echo_json([_event_dict(event) for event in events])
        return
    if not events:
        click.echo(f"#{recommendation_id}: no decisions yet")
    for event in events:
        click.echo(_event_line(event))


@review_group.command(
    "stats",
    epilog="""Per rule: how many recommendations it shaped, and how coaches judged them. A rule
whose recommendations are often rejected or amended is a rule to look at.

\b
Example:
  runstrong review stats --since 2026-11-01
""",
)
@click.option("--since", help="Only recommendations from this date on.")
@format_option
@click.pass_context
def review_stats(ctx: click.Context, since: str | None, output_format: str) -> None:
    """How the recommendations each rule shaped were judged."""
    stats = rule_stats(app(ctx).store(), parse_date(since, "--since") if since else None)
    if output_format == "json":
        echo_json(
            [
                {
                    "rule": item.rule,
                    "shaped": item.shaped,
                    **{s: item.statuses[s] for s in STATUSES},
                    "reasons": dict(item.reasons),
                }
                for item in stats
            ]
        )
        return
    click.echo(
        f"{'rule':<7} {'shaped':>6} {'pending':>7} {'approved':>8} {'amended':>7} "
        f"{'rejected':>8}  reasons"
    )
    for item in stats:
        reasons = ", ".join(f"{code} {count}" for code, count in item.reasons.most_common())
        click.echo(
            f"{item.rule:<7} {item.shaped:>6} {item.statuses['pending']:>7} "
            f"{item.statuses['approved']:>8} {item.statuses['amended']:>7} "
            f"{item.statuses['rejected']:>8}  {reasons}"
        )
