"""``runstrong review``: the coach's queue, the reasons, and approve / amend / reject.

``review list`` is a morning command: on an SQLite file it reads the queue without
SQLAlchemy (engine.storage.sqlite_triage), so this module imports the store, the decisions and
their views only in the commands that use them.
"""

from __future__ import annotations

import click

from engine.app.triage import TRIAGE_FLAGS, TRIAGE_STATUSES, database_triage
from engine.cli.context import app, database_option
from engine.cli.options import echo_json, format_option
from engine.cli.parsing import ASCII_INT, parse_date, parse_dose
from engine.contract.models import SESSION_KINDS
from engine.contract.review_codes import REASON_CODES
from engine.views.triage import triage_json, triage_text


def _reviewer(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    if not value:
        raise click.UsageError(
            "who decides? give --reviewer NAME, or set RUNSTRONG_REVIEWER=NAME once "
            "for every review command",
            ctx,
        )
    return value


reviewer_option = click.option(
    "--reviewer",
    envvar="RUNSTRONG_REVIEWER",
    callback=_reviewer,
    help="Who decides (default: RUNSTRONG_REVIEWER).",
)
force_option = click.option("--force", is_flag=True, help="Decide again on a decided one.")
note_option = click.option("--note", help="A note the athlete sees with the session.")


@click.group("review")
def review_group() -> None:
    """The coach's review of recommendations."""


# A page of the queue: what a coach reads at once on one screen (more with --offset).
PAGE_SIZE = 20


@review_group.command(
    "list",
    epilog="""Today and tomorrow first; within a day, what needs attention first (marked !).
Past days nobody reviewed are lapsed: out of the queue, counted, listed with --status lapsed.

\b
Examples:
  runstrong review list
  runstrong review list --flag pain
  runstrong review list --status lapsed --athlete ana --format json
  runstrong review list --status all --since 2026-11-01 --until 2026-11-30 --offset 20
""",
)
@click.option("--status", type=click.Choice(TRIAGE_STATUSES), default="pending", show_default=True)
@click.option("--athlete", "athlete_id")
@click.option("--flag", type=click.Choice(TRIAGE_FLAGS), help="Only rows with this flag.")
@click.option("--since", help="First day shown, YYYY-MM-DD.")
@click.option("--until", help="Last day shown, YYYY-MM-DD.")
@click.option(
    "--limit", type=click.IntRange(1), default=PAGE_SIZE, show_default=True, help="Rows shown."
)
@click.option(
    "--offset", type=click.IntRange(0), default=0, show_default=True, help="Rows skipped."
)
@format_option
@database_option()
@click.pass_context
def review_list(
    ctx: click.Context,
    status: str,
    athlete_id: str | None,
    flag: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    offset: int,
    output_format: str,
) -> None:
    """The review queue as a triage: counts, then today's and tomorrow's, attention first."""
    context = app(ctx)
    page = database_triage(
        context.db_url,
        context.store,
        context.rules_dir,
        status,
        flag,
        athlete_id=athlete_id,
        limit=limit,
        offset=offset,
        since=parse_date(since, "--since") if since else None,
        until=parse_date(until, "--until") if until else None,
    )
    if output_format == "json":
        echo_json(triage_json(page))
    else:
        click.echo(triage_text(page))


@review_group.command("show", epilog="Example:\n\n  runstrong review show 12")
@click.argument("recommendation_id", type=ASCII_INT)
@format_option
@database_option()
@click.pass_context
def review_show(ctx: click.Context, recommendation_id: int, output_format: str) -> None:
    """Everything behind one recommendation: check-in, features, rules, sources, decisions."""
    from engine.app.review_view import review_detail
    from engine.views.review import review_detail_text

    context = app(ctx)
    evaluator = context.evaluator()
    detail = review_detail(context.store(), evaluator.kb, recommendation_id)
    if output_format == "json":
        echo_json(detail.as_json())
    else:
        # The card's words come with the rule set, which review show loads anyway (review
        # list, in the same module, must not import them).
        from engine.app.athlete_card import card_words
        from engine.app.review_card import review_card

        card = review_card(detail, card_words(evaluator.kb, evaluator.ruleset))
        click.echo(review_detail_text(detail, card))


@review_group.command(
    "approve",
    epilog="""Examples:

\b
  runstrong review approve 12 --reviewer sam --note 'Nice work'
  runstrong review approve 12 13 17 --reviewer sam
""",
)
@click.argument("recommendation_ids", type=ASCII_INT, nargs=-1, required=True)
@reviewer_option
@note_option
@force_option
@database_option()
@click.pass_context
def review_approve(
    ctx: click.Context,
    recommendation_ids: tuple[int, ...],
    reviewer: str,
    note: str | None,
    force: bool,
) -> None:
    """Approve one or several recommendations, each with its own audit event (a proposed
    ladder advance then takes effect)."""
    from engine.app.review import approve
    from engine.views.review import decided_text

    store = app(ctx).store()
    for recommendation_id in dict.fromkeys(recommendation_ids):
        click.echo(decided_text(approve(store, recommendation_id, reviewer, note, force)))


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
@database_option()
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
    from engine.app.review import reject
    from engine.views.review import decided_text

    decided = reject(app(ctx).store(), recommendation_id, reviewer, reason_code, note, force)
    click.echo(decided_text(decided))


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
@click.option(
    "--override",
    metavar="REASON",
    help="Amend even though it breaks a safety rule of that day; the audit log keeps REASON.",
)
@reviewer_option
@note_option
@force_option
@database_option()
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
    override: str | None,
    reviewer: str,
    note: str | None,
    force: bool,
) -> None:
    """Change a recommendation's session; it is checked against the knowledge base and the
    athlete's equipment."""
    from engine.app.review import Amendment, amend
    from engine.contract.models import Session
    from engine.loading.inputs import load_document
    from engine.views.review import decided_text

    context = app(ctx)
    amendment = Amendment(kind=kind, intensity=intensity, drop=list(drop), override=override)
    for value in swap:
        old, _, new = value.partition("=")
        if not old or not new:
            raise click.BadParameter(f"{value!r} should look like OLD=NEW", param_hint="--swap")
        amendment.swap.append((old, new))
    amendment.dose = [parse_dose(value) for value in dose]
    if source:
        amendment.session = load_document(source, Session)
    decided = amend(
        context.store(), context.evaluator(), recommendation_id, amendment, reviewer, note, force
    )
    click.echo(decided_text(decided))


@review_group.command("log", epilog="Example:\n\n  runstrong review log 12")
@click.argument("recommendation_id", type=ASCII_INT)
@format_option
@database_option()
@click.pass_context
def review_log(ctx: click.Context, recommendation_id: int, output_format: str) -> None:
    """The audit trail of one recommendation: who decided what, when, and why."""
    from engine.app.review_view import review_events
    from engine.views.review import event_line

    events = review_events(app(ctx).store(), recommendation_id)
    if output_format == "json":
        echo_json([event.model_dump(mode="json", by_alias=True) for event in events])
        return
    if not events:
        click.echo(f"#{recommendation_id}: no decisions yet")
    for event in events:
        click.echo(event_line(event))


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
@database_option()
@click.pass_context
def review_stats(ctx: click.Context, since: str | None, output_format: str) -> None:
    """How the recommendations each rule shaped were judged."""
    from engine.app.review import rule_stats
    from engine.views.review import stats_json, stats_text

    stats = rule_stats(app(ctx).store(), parse_date(since, "--since") if since else None)
    if output_format == "json":
        echo_json(stats_json(stats))
    else:
        click.echo(stats_text(stats))
