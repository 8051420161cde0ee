"""The coach's review: the queue, the decisions, and what they tell us about the rules.

- ``queue``: recommendations to judge, oldest pending first, with flags that need attention.
- ``approve`` / ``amend`` / ``reject``: one decision each, recorded in the audit log. An
  approved ladder advance moves the athlete's stage; an amendment is checked against the
  knowledge base and the athlete's equipment before it is stored.
- ``rule_stats``: per rule, how the recommendations it shaped were judged.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from engine.contract.errors import InputError, Problem
from engine.contract.models import (
    SESSION_KINDS,
    AthleteProfile,
    LadderPosition,
    PrescribedExercise,
    Session,
)
from engine.knowledge.base import KnowledgeBase
from engine.storage.listing import (
    CURRENT,
    RecommendationDigest,
    RecommendationFilter,
    count_recommendations,
    recommendation_digests,
)
from engine.storage.reviews import Decision, ReviewEvent, ReviewStore
from engine.storage.store import Store, StoredRecommendation


@dataclass(frozen=True)
class QueueItem:
    recommendation: RecommendationDigest
    summary: str
    flags: list[str]


def attention_flags(digest: RecommendationDigest) -> list[str]:
    """What a coach should look at first."""
    flags = []
    if digest.pain_areas:
        flags.append(f"pain: {', '.join(digest.pain_areas)}")
    if not digest.hiit_allowed and digest.planned == "hiit":
        flags.append("HIIT blocked")
    for progression in digest.progressions:
        if progression.action in {"advance", "regress"}:
            flags.append(f"{progression.ladder} {progression.action}")
    if "severe_pain" in digest.warning_codes:
        flags.append("severe pain")
    return flags


def session_summary(session: Session) -> str:
    return _summary(session.kind, session.program, session.intensity)


def _summary(kind: str, program: str | None, intensity: str) -> str:
    return f"{kind}{f' {program}' if program else ''} ({intensity})"


def _queue_filter(
    status: str | None, athlete_id: str | None, since: dt.date | None, until: dt.date | None
) -> RecommendationFilter:
    return RecommendationFilter(status or CURRENT, athlete_id, since, until)


def queue(
    store: Store,
    status: str | None = "pending",
    athlete_id: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[QueueItem]:
    """One page of the queue (``status`` None: every status but superseded), oldest first.

    Filtered, ordered and paged in the database; only the fields a queue line shows are read.
    """
    which = _queue_filter(status, athlete_id, since, until)
    return [
        QueueItem(
            digest,
            _summary(digest.session_kind, digest.session_program, digest.session_intensity),
            attention_flags(digest),
        )
        for digest in recommendation_digests(store, which, limit, offset)
    ]


def queue_size(
    store: Store,
    status: str | None = "pending",
    athlete_id: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> int:
    """How many recommendations the same :func:`queue` filter matches, over all pages."""
    return count_recommendations(store, _queue_filter(status, athlete_id, since, until))


def _advanced_profile(
    stored: StoredRecommendation, profile: AthleteProfile
) -> tuple[AthleteProfile | None, dict[str, Any]]:
    """The profile with each proposed advance applied, and what changed."""
    ladders = dict(profile.ladders)
    changed: dict[str, Any] = {}
    for progression in stored.recommendation.progressions:
        if progression.action != "advance":
            continue
        current = ladders.get(progression.ladder)
        if current is None or current.stage != progression.from_:
            continue  # the athlete has moved on since; nothing to apply
        ladders[progression.ladder] = LadderPosition(stage=progression.to, since=stored.date)
        changed[progression.ladder] = {"from": progression.from_, "to": progression.to}
    if not changed:
        return None, {}
    return profile.model_copy(update={"ladders": ladders}), {"ladders": changed}


def approve(
    store: Store, recommendation_id: int, reviewer: str, note: str | None, force: bool = False
) -> ReviewEvent:
    stored = store.get_recommendation(recommendation_id)
    profile, changes = _advanced_profile(stored, store.get_athlete(stored.athlete_id))
    decision = Decision(
        action="approve",
        reviewer=reviewer,
        note=note,
        changes=changes,
        profile_update=profile,
        force=force,
    )
    return ReviewStore(store).decide(recommendation_id, decision)


def reject(
    store: Store,
    recommendation_id: int,
    reviewer: str,
    reason_code: str,
    note: str | None,
    force: bool = False,
) -> ReviewEvent:
    decision = Decision(
        action="reject", reviewer=reviewer, note=note, reason_code=reason_code, force=force
    )
    return ReviewStore(store).decide(recommendation_id, decision)


@dataclass
class Amendment:
    """Changes a coach makes to a recommended session."""

    kind: str | None = None
    intensity: str | None = None
    drop: list[str] = field(default_factory=list)
    swap: list[tuple[str, str]] = field(default_factory=list)
    dose: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    session: Session | None = None  # a whole replacement session (from --file)

    def is_empty(self) -> bool:
        return not (
            self.kind or self.intensity or self.drop or self.swap or self.dose or self.session
        )


def _exercise_problems(
    session: Session, kb: KnowledgeBase, athlete: AthleteProfile
) -> list[Problem]:
    problems = []
    for b_index, block in enumerate(session.blocks):
        for e_index, item in enumerate(block.exercises):
            where = f"blocks[{b_index}].exercises[{e_index}].id"
            exercise = kb.exercises.get(item.id)
            if exercise is None:
                problems.append(Problem(f"unknown exercise {item.id!r}", field=where))
            elif not exercise.usable_with(athlete.equipment):
                needed = " or ".join("+".join(option) for option in exercise.equipment)
                problems.append(
                    Problem(f"{item.id} needs {needed}; {athlete.id} does not have it", field=where)
                )
    return problems


def apply_amendment(
    original: Session, amendment: Amendment, kb: KnowledgeBase, athlete: AthleteProfile
) -> tuple[Session, list[str]]:
    """The amended session and a readable list of what changed; InputError if invalid."""
    if amendment.session is not None:
        amended = amendment.session.model_copy(deep=True)
        changes = ["session replaced from file"]
    else:
        amended = original.model_copy(deep=True)
        changes = []
    problems: list[Problem] = []
    if amendment.kind:
        if amendment.kind not in SESSION_KINDS:
            problems.append(Problem(f"unknown session kind {amendment.kind!r}", field="kind"))
        else:
            changes.append(f"kind: {amended.kind} -> {amendment.kind}")
            amended.kind = amendment.kind  # type: ignore[assignment]
    if amendment.intensity:
        changes.append(f"intensity: {amended.intensity} -> {amendment.intensity}")
        amended.intensity = amendment.intensity  # type: ignore[assignment]
    present = {item.id for block in amended.blocks for item in block.exercises}
    for exercise_id in amendment.drop:
        if exercise_id not in present:
            problems.append(Problem(f"{exercise_id!r} is not in the session", field="drop"))
            continue
        for block in amended.blocks:
            block.exercises = [item for item in block.exercises if item.id != exercise_id]
        changes.append(f"dropped {exercise_id}")
    for old, new in amendment.swap:
        if old not in present:
            problems.append(Problem(f"{old!r} is not in the session", field="swap"))
            continue
        if new not in kb.exercises:
            problems.append(Problem(f"unknown exercise {new!r}", field="swap"))
            continue
        for block in amended.blocks:
            block.exercises = [
                PrescribedExercise(
                    **{
                        **item.model_dump(),
                        "id": new,
                        "name": kb.exercises[new].name,
                        "load_kg": None,
                        "notes": [f"coach's swap for {item.name}"],
                    }
                )
                if item.id == old
                else item
                for item in block.exercises
            ]
        changes.append(f"swapped {old} for {new}")
    for exercise_id, dose in amendment.dose:
        targets = [
            item for block in amended.blocks for item in block.exercises if item.id == exercise_id
        ]
        if not targets:
            problems.append(Problem(f"{exercise_id!r} is not in the session", field="dose"))
            continue
        for item in targets:
            for key, value in dose.items():
                setattr(item, key, value)
        shown = ", ".join(f"{key}={value}" for key, value in dose.items())
        changes.append(f"dose of {exercise_id}: {shown}")
    amended.blocks = [block for block in amended.blocks if block.exercises or block.role == "run"]
    problems += _exercise_problems(amended, kb, athlete)
    if problems:
        raise InputError(problems)
    try:
        validated = Session.model_validate(amended.model_dump())
    except Exception as error:  # a dose outside the model's ranges
        raise InputError([Problem(str(error), field="session")]) from error
    return validated, changes


def amend(
    store: Store,
    kb: KnowledgeBase,
    recommendation_id: int,
    amendment: Amendment,
    reviewer: str,
    note: str | None,
    force: bool = False,
) -> ReviewEvent:
    if amendment.is_empty():
        raise InputError([Problem("nothing to amend: give a change or --file")])
    stored = store.get_recommendation(recommendation_id)
    athlete = store.get_athlete(stored.athlete_id)
    reviews = ReviewStore(store)
    current, _ = reviews.review_state(recommendation_id)
    session, changes = apply_amendment(
        current or stored.recommendation.session, amendment, kb, athlete
    )
    decision = Decision(
        action="amend",
        reviewer=reviewer,
        note=note,
        changes={"session": changes},
        amended_session=session,
        force=force,
    )
    return reviews.decide(recommendation_id, decision)


@dataclass
class RuleStats:
    rule: str
    shaped: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)


def rule_stats(store: Store, since: dt.date | None = None) -> list[RuleStats]:
    """Per rule: how often the recommendations it shaped were approved, amended or rejected."""
    last_reason: dict[int, str | None] = {}
    for event in ReviewStore(store).all_events():
        last_reason[event.recommendation_id] = event.reason_code
    stats: dict[str, RuleStats] = defaultdict(lambda: RuleStats(rule=""))
    for stored in store.recommendations(since=since):
        for rule in dict.fromkeys(entry.rule for entry in stored.recommendation.rationale):
            entry = stats[rule]
            entry.rule = rule
            entry.shaped += 1
            entry.statuses[stored.status] += 1
            reason = last_reason.get(stored.id)
            if stored.status == "rejected" and reason:
                entry.reasons[reason] += 1
    return sorted(stats.values(), key=lambda item: (-item.statuses["rejected"], item.rule))
