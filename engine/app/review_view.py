"""What a coach sees of one recommendation (``review show``), as one view model that every
front end renders: the CLI as text or JSON (``engine.views.review``), the web app as a page.

Sentinel feature values (9999 hours to a quality run that is not planned) become None here,
so no front end ever shows them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from engine.app.readable import readable_feature
from engine.contract.models import Recommendation, Session
from engine.knowledge.base import KnowledgeBase
from engine.storage.reviews import ReviewEvent, ReviewStore
from engine.storage.store import Store


class ReviewDetail(BaseModel):
    """Everything behind one recommendation."""

    id: int
    athlete_id: str
    date: str
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

    def as_json(self) -> dict[str, Any]:
        """The JSON shape ``review show --format json`` prints."""
        return {
            "id": self.id,
            "status": self.status,
            "coach_note": self.coach_note,
            "amended_session": (
                self.amended_session.model_dump(mode="json") if self.amended_session else None
            ),
            "checkin": self.checkin,
            "recommendation": self.recommendation.model_dump(mode="json", by_alias=True),
            "events": [event.model_dump(mode="json", by_alias=True) for event in self.events],
        }


def review_detail(store: Store, kb: KnowledgeBase, recommendation_id: int) -> ReviewDetail:
    stored = store.get_recommendation(recommendation_id)
    reviews = ReviewStore(store)
    amended, coach_note = reviews.review_state(recommendation_id)
    rec = stored.recommendation
    cited = dict.fromkeys(source for entry in rec.rationale for source in entry.sources)
    return ReviewDetail(
        id=stored.id,
        athlete_id=stored.athlete_id,
        date=stored.date.isoformat(),
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
    )


def review_events(store: Store, recommendation_id: int) -> list[ReviewEvent]:
    """The audit trail of one recommendation, oldest first."""
    return ReviewStore(store).events(recommendation_id)
