"""What a coach sees of one recommendation, as one view model that every front end renders:
the CLI's ``review show`` as text or JSON (``engine.views.review``), the web app as a page and
the API as JSON.

Sentinel feature values (9999 hours to a quality run that is not planned) become None here,
so no front end ever shows them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.app.readable import readable_feature
from engine.calendar.expand import runs_between
from engine.contract.models import Recommendation, Session
from engine.knowledge.base import KnowledgeBase
from engine.storage import calendar as calendar_rows
from engine.storage.reviews import REASON_CODES, ReviewEvent, ReviewStore
from engine.storage.store import Store

# The check-in fields a coach sees, in the order every front end shows them.
CHECKIN_FIELDS = ("recovery_pct", "slept_well", "soreness", "life_stress", "planned", "note")


class ReviewDetail(BaseModel):
    """Everything behind one recommendation: the one view model of ``review show``, the web
    app's recommendation page and the API's ``GET /api/recommendations/{id}``."""

    id: int
    athlete_id: str
    date: dt.date
    status: str
    rules_version: str
    coach_note: str | None
    amended_session: Session | None
    checkin: dict[str, Any]
    recommendation: Recommendation
    events: list[ReviewEvent]
    # The features the rules saw, sentinels in words (for people; the JSON keeps the raw
    # recommendation as stored).
    history_features: dict[str, Any]
    # source id -> what it is, for every source the trace cites.
    sources: dict[str, str]
    # The planned runs the check-in was evaluated with, each marked when the athlete's
    # calendar holds it ("long_run 2026-12-06T08:00 (calendar)").
    planned_runs: list[str] = []
    # The reasons a coach may give for a rejection (the form's choices).
    reason_codes: tuple[str, ...] = REASON_CODES

    @property
    def checkin_fields(self) -> list[tuple[str, Any]]:
        """The check-in's answers a coach reads, in order, leaving out the ones not given."""
        return [
            (key, self.checkin[key]) for key in CHECKIN_FIELDS if self.checkin.get(key) is not None
        ]

    @property
    def session_shown(self) -> Session:
        """The session the athlete sees: the coach's amendment when there is one."""
        return self.amended_session or self.recommendation.session

    def json_view(self) -> ReviewJson:
        return ReviewJson(
            id=self.id,
            athlete=self.athlete_id,
            date=self.date,
            status=self.status,
            rules_version=self.rules_version,
            coach_note=self.coach_note,
            amended_session=self.amended_session,
            checkin=self.checkin,
            recommendation=self.recommendation,
            sources=self.sources,
            events=self.events,
        )

    def as_json(self) -> dict[str, Any]:
        return self.json_view().model_dump(mode="json", by_alias=True)


class ReviewJson(BaseModel):
    """Everything behind one recommendation, as JSON: ``review show --format json`` and the
    API's ``GET /api/recommendations/{id}`` both give this model, so they cannot drift apart."""

    model_config = ConfigDict(extra="forbid")

    id: int
    athlete: str
    date: dt.date
    status: str
    rules_version: str = Field(description="the rules the recommendation was made with")
    coach_note: str | None
    amended_session: Session | None = Field(description="the coach's session, when amended")
    checkin: dict[str, Any]
    recommendation: Recommendation = Field(description="as the engine made it, with its reasons")
    sources: dict[str, str] = Field(description="each cited source, described")
    events: list[ReviewEvent] = Field(description="the decisions, oldest first")


def review_detail(store: Store, kb: KnowledgeBase, recommendation_id: int) -> ReviewDetail:
    stored = store.get_recommendation(recommendation_id)
    reviews = ReviewStore(store)
    amended, coach_note = reviews.review_state(recommendation_id)
    rec = stored.recommendation
    cited = dict.fromkeys(source for entry in rec.rationale for source in entry.sources)
    return ReviewDetail(
        id=stored.id,
        athlete_id=stored.athlete_id,
        date=stored.date,
        status=stored.status,
        rules_version=stored.rules_version,
        coach_note=coach_note,
        amended_session=amended,
        checkin=stored.request.get("checkin", {}),
        recommendation=rec,
        events=reviews.events(recommendation_id),
        history_features={
            key: readable_feature(key, value)
            for key, value in rec.features.get("history", {}).items()
        },
        sources={source: kb.describe_source(source) for source in cited},
        planned_runs=_planned_runs(store, stored.athlete_id, stored.date, stored.request),
    )


def _planned_runs(
    store: Store, athlete_id: str, day: dt.date, request: dict[str, Any]
) -> list[str]:
    upcoming = request.get("upcoming", [])
    if not upcoming:
        return []
    entries = calendar_rows.entries(store, athlete_id)
    last = max(dt.date.fromisoformat(str(run["date"])[:10]) for run in upcoming)
    in_calendar = {
        (run.model_dump(mode="json")["date"], run.kind) for run in runs_between(entries, day, last)
    }
    return [
        f"{run['kind']} {run['date']}"
        + (" (calendar)" if (run["date"], run["kind"]) in in_calendar else "")
        for run in upcoming
    ]


def review_events(store: Store, recommendation_id: int) -> list[ReviewEvent]:
    """The audit trail of one recommendation, oldest first."""
    return ReviewStore(store).events(recommendation_id)
