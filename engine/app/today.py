"""Today's recommendation as the athlete should see it: the coach's version when there is one.

"An amended session replaces the original" is decided here, once, for every front end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.app.athlete_card import AthleteCard, CardWords, Review, athlete_card
from engine.app.errors import NotFound
from engine.contract.models import Recommendation
from engine.storage.reviews import ReviewStore
from engine.storage.store import Store, StoredRecommendation


class NoCheckIn(NotFound):
    """No check-in (so no recommendation) for that athlete on that day."""


@dataclass(frozen=True)
class TodayView:
    id: int
    status: str  # pending | approved | amended | rejected | final
    recommendation: Recommendation  # with the coach's session when the coach amended it
    coach_note: str | None
    amended_by_coach: bool

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = self.recommendation.model_dump(mode="json", by_alias=True)
        data["id"] = self.id
        data["status"] = self.status
        data["coach_note"] = self.coach_note
        data["amended_by_coach"] = self.amended_by_coach
        return data


def as_athlete_sees_it(store: Store, stored: StoredRecommendation) -> TodayView:
    """A stored recommendation with the coach's amendment and note applied."""
    amended, coach_note = ReviewStore(store).review_state(stored.id)
    recommendation = stored.recommendation
    if amended is not None:  # the coach's version replaces the original
        recommendation = recommendation.model_copy(update={"session": amended})
    return TodayView(stored.id, stored.status, recommendation, coach_note, amended is not None)


def todays_recommendation(
    store: Store, athlete_id: str, day: dt.date | None = None
) -> StoredRecommendation | None:
    """The current (not superseded) stored recommendation of that day, as the engine made it."""
    return store.recommendation_for(athlete_id, day or dt.date.today())


def stored_today(store: Store, athlete_id: str, day: dt.date) -> StoredRecommendation:
    """The stored recommendation of ``day``; NoCheckIn when there is none."""
    stored = todays_recommendation(store, athlete_id, day)
    if stored is None:
        raise NoCheckIn(
            f"no check-in for {athlete_id} on {day}; run 'runstrong checkin {athlete_id}'"
        )
    return stored


def today(store: Store, athlete_id: str, day: dt.date) -> TodayView:
    """The recommendation of ``day`` as the athlete should follow it."""
    return as_athlete_sees_it(store, stored_today(store, athlete_id, day))


def card_of(store: Store, stored: StoredRecommendation, words: CardWords) -> AthleteCard:
    """The athlete's card of a stored recommendation: the coach's session when amended, the
    review status and the coach's note."""
    amended, coach_note = ReviewStore(store).review_state(stored.id)
    review = Review(stored.id, stored.status, coach_note, amended)
    return athlete_card(stored.recommendation, words, review)


def today_athlete_card(
    store: Store, athlete_id: str, day: dt.date, words: CardWords
) -> AthleteCard | None:
    """The card of ``day``, or None when the athlete has not checked in that day."""
    stored = todays_recommendation(store, athlete_id, day)
    return None if stored is None else card_of(store, stored, words)
