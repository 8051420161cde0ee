"""The coach's review: the decisions, and what they tell us about the rules (the queue to
judge is the triage, :mod:`engine.app.triage`).

- ``approve`` / ``amend`` / ``reject``: one decision each, recorded in the audit log. An
  approved ladder decision moves the athlete's stage (or says why it no longer can); an
  amendment is held to the day's safety rules (:mod:`engine.app.amend`).
- ``rule_stats``: per rule, how the recommendations it shaped were judged, and how often a
  coach overrode it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.app.amendment import Amendment
from engine.app.errors import Breach
from engine.app.ladders import apply_moves
from engine.contract.errors import InputError, Problem
from engine.contract.models import (
    EvaluationRequest,
)
from engine.storage.firings import override_changes, rejection_reasons_by_rule, statuses_by_rule
from engine.storage.reviews import REASON_CODES, Decision, ReviewEvent, ReviewStore
from engine.storage.store import Store

if TYPE_CHECKING:  # deciding imports the engine; the rule statistics do not
    from engine.core.evaluator import Evaluator

__all__ = ["REASON_CODES", "Amendment", "Decided", "ReviewEvent", "amend", "approve", "reject"]


@dataclass(frozen=True)
class Decided:
    """A decision as recorded, and what the coach should know about it."""

    event: ReviewEvent
    notices: list[str] = field(default_factory=list)


def approve(
    store: Store, recommendation_id: int, reviewer: str, note: str | None, force: bool = False
) -> Decided:
    """Approve; the recommendation's ladder decisions move the athlete's stages, unless the
    athlete has left those stages since (then the approval says so)."""
    stored = store.get_recommendation(recommendation_id)
    athlete = store.get_athlete(stored.athlete_id)
    moves = apply_moves(athlete, stored.recommendation.progressions, stored.date)
    decision = Decision(
        action="approve",
        reviewer=reviewer,
        note=note,
        changes=moves.changes(),
        profile_update=moves.profile,
        force=force,
    )
    return Decided(ReviewStore(store).decide(recommendation_id, decision), moves.skipped)


def reject(
    store: Store,
    recommendation_id: int,
    reviewer: str,
    reason_code: str,
    note: str | None,
    force: bool = False,
) -> Decided:
    decision = Decision(
        action="reject", reviewer=reviewer, note=note, reason_code=reason_code, force=force
    )
    return Decided(ReviewStore(store).decide(recommendation_id, decision))


def amend(
    store: Store,
    evaluator: Evaluator,
    recommendation_id: int,
    amendment: Amendment,
    reviewer: str,
    note: str | None,
    force: bool = False,
) -> Decided:
    """Amend the session; a breach of the day's safety rules is refused (:class:`Breach`)
    unless ``amendment.override`` gives the coach's reason, which the audit log keeps."""
    from engine.app.amend import apply_amendment  # the planner and the invariants

    if amendment.is_empty():
        raise InputError([Problem("nothing to amend: give a change or --file")])
    stored = store.get_recommendation(recommendation_id)
    reviews = ReviewStore(store)
    current, _ = reviews.review_state(recommendation_id)
    request = EvaluationRequest.model_validate(stored.request, context={"kb": evaluator.kb})
    result = apply_amendment(
        stored.recommendation,
        current or stored.recommendation.session,
        amendment,
        evaluator,
        request,
    )
    if result.breaches and not amendment.override:
        lines = "\n".join(f"  {item.rule}: {item.why}" for item in result.breaches)
        raise Breach(
            f"the amendment breaks the safety rules of that day:\n{lines}\n"
            'give --override "REASON" to amend anyway (the audit log keeps the reason)'
        )
    changes: dict[str, object] = {"session": result.changes}
    if result.breaches:
        changes["overrides"] = [
            {**item.as_dict(), "reason": amendment.override} for item in result.breaches
        ]
    decision = Decision(
        action="amend",
        reviewer=reviewer,
        note=note,
        changes=changes,
        amended_session=result.session,
        force=force,
    )
    return Decided(reviews.decide(recommendation_id, decision))


@dataclass
class RuleStats:
    rule: str
    shaped: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    overrides: int = 0  # amendments that broke this rule with the coach's reason


def rule_stats(store: Store, since: dt.date | None = None) -> list[RuleStats]:
    """Per rule: how often the recommendations it shaped were approved, amended or rejected,
    and how often a coach overrode it (an invariant counts as a rule here). Counted by the
    database over the fired rules stored as rows (engine.storage.firings)."""
    stats: dict[str, RuleStats] = defaultdict(lambda: RuleStats(rule=""))
    for rule, status, count in statuses_by_rule(store, since):
        entry = stats[rule]
        entry.rule = rule
        entry.shaped += count
        entry.statuses[status] += count
    for rule, reason, count in rejection_reasons_by_rule(store, since):
        stats[rule].reasons[reason] += count
    overrides: Counter[str] = Counter()
    for changes in override_changes(store):
        for item in changes.get("overrides", []):
            overrides[item["rule"]] += 1
    for rule, count in overrides.items():
        stats[rule].rule = rule
        stats[rule].overrides = count
    return sorted(stats.values(), key=lambda item: (-item.statuses["rejected"], item.rule))
