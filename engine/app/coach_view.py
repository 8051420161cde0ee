"""What a coach reads before deciding: one recommendation with everything behind it, and an
athlete's recent history. View models for the web app (the CLI's ``review show`` prints the
same facts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.app.history import DayRow, WeekSummary, athlete_history, history_window
from engine.contract.models import AthleteProfile, Session
from engine.core.evaluator import Evaluator
from engine.knowledge.base import KnowledgeBase
from engine.storage.reviews import REASON_CODES, ReviewEvent, ReviewStore
from engine.storage.store import Store, StoredRecommendation

# The check-in fields a coach sees, in the order ``review show`` prints them.
CHECKIN_FIELDS = ("recovery_pct", "slept_well", "soreness", "life_stress", "planned", "note")
STATUSES = ("pending", "approved", "amended", "rejected")


@dataclass(frozen=True)
class RecommendationDetail:
    stored: StoredRecommendation
    amended_session: Session | None
    coach_note: str | None
    events: list[ReviewEvent]
    # Every source the rationale cites, described (claim and citation, or the default).
    sources: dict[str, str]
    reason_codes: tuple[str, ...] = REASON_CODES

    @property
    def checkin(self) -> dict[str, Any]:
        data: dict[str, Any] = self.stored.request.get("checkin", {})
        return data

    @property
    def checkin_fields(self) -> list[tuple[str, Any]]:
        return [
            (key, self.checkin[key]) for key in CHECKIN_FIELDS if self.checkin.get(key) is not None
        ]

    @property
    def session_shown(self) -> Session:
        """The session the athlete sees: the coach's amendment when there is one."""
        return self.amended_session or self.stored.recommendation.session


def recommendation_detail(
    store: Store, kb: KnowledgeBase, recommendation_id: int
) -> RecommendationDetail:
    stored = store.get_recommendation(recommendation_id)
    reviews = ReviewStore(store)
    amended, note = reviews.review_state(recommendation_id)
    cited = dict.fromkeys(
        source for entry in stored.recommendation.rationale for source in entry.sources
    )
    return RecommendationDetail(
        stored=stored,
        amended_session=amended,
        coach_note=note,
        events=reviews.events(recommendation_id),
        sources={source: kb.describe_source(source) for source in cited},
    )


@dataclass(frozen=True)
class AthleteHistory:
    profile: AthleteProfile
    start: dt.date
    until: dt.date
    days: list[DayRow]
    weeks: list[WeekSummary]


def coach_history(
    store: Store, evaluator: Evaluator, athlete_id: str, until: dt.date, weeks: int
) -> AthleteHistory:
    """The athlete's profile and the rows of ``runstrong history`` (one implementation:
    :func:`engine.app.history.athlete_history`, which reads recommended days from SQL)."""
    profile = store.get_athlete(athlete_id)
    view = athlete_history(store, evaluator, athlete_id, until, weeks)
    start, last = history_window(until, weeks)
    return AthleteHistory(profile, start, last, view.days, view.weeks)
