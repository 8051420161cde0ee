"""Today's recommendation as the athlete should see it: the coach's version when there is one.

"An amended session replaces the original" is decided here, once, for every front end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from engine.app.athlete_card import AthleteCard, CardWords, Review, athlete_card
from engine.contract.models import Recommendation, Session
from engine.storage.errors import NotFound
from engine.storage.records import StoredRecommendation

if TYPE_CHECKING:  # the store is imported only when a command uses it (SQLAlchemy is slow)
    from engine.storage.sqlite_reads import SqliteReads
    from engine.storage.store import Store


class NoCheckIn(NotFound):
    """No check-in (so no recommendation) for that athlete on that day."""


@runtime_checkable
class DayReads(Protocol):
    """The reads that show a day: the store's (:class:`StoreReads`), or the quick SQLite
    reader's (:mod:`engine.storage.sqlite_reads`), which imports no SQLAlchemy."""

    def athlete_timezone(self, athlete_id: str) -> str | None: ...

    def recommendation_for(self, athlete_id: str, day: dt.date) -> StoredRecommendation | None: ...

    def review_state(self, recommendation_id: int) -> tuple[Session | None, str | None]: ...


class StoreReads:
    """:class:`DayReads` on the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def athlete_timezone(self, athlete_id: str) -> str | None:
        from engine.storage.zones import athlete_timezone

        return athlete_timezone(self.store, athlete_id)

    def recommendation_for(self, athlete_id: str, day: dt.date) -> StoredRecommendation | None:
        return self.store.recommendation_for(athlete_id, day)

    def review_state(self, recommendation_id: int) -> tuple[Session | None, str | None]:
        from engine.storage.reviews import ReviewStore

        return ReviewStore(self.store).review_state(recommendation_id)


def day_reads(source: Store | DayReads) -> DayReads:
    return source if isinstance(source, DayReads) else StoreReads(source)


def quick_reads(db_url: str | None) -> SqliteReads | None:
    """The quick reader of the database when it can serve (see its module), else None."""
    from engine.storage.sqlite_reads import open_reads

    return open_reads(db_url)


T = TypeVar("T")


def with_day_reads(
    db_url: str | None, open_store: Callable[[], Store], use: Callable[[DayReads], T]
) -> T:
    """``use`` on the quick reader of the database when it can serve, else (or when a read
    there fails: the store then names what is wrong, as for every command) on the store."""
    quick = quick_reads(db_url)
    if quick is not None:
        from engine.storage.sqlite_reads import QuickReadFailed

        try:
            return use(quick)
        except QuickReadFailed:
            pass
        finally:
            quick.close()
    return use(StoreReads(open_store()))


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


def as_athlete_sees_it(store: Store | DayReads, stored: StoredRecommendation) -> TodayView:
    """A stored recommendation with the coach's amendment and note applied."""
    amended, coach_note = day_reads(store).review_state(stored.id)
    recommendation = stored.recommendation
    if amended is not None:  # the coach's version replaces the original
        recommendation = recommendation.model_copy(update={"session": amended})
    return TodayView(stored.id, stored.status, recommendation, coach_note, amended is not None)


def todays_recommendation(
    store: Store | DayReads, athlete_id: str, day: dt.date | None = None
) -> StoredRecommendation | None:
    """The current (not superseded) stored recommendation of that day, as the engine made it."""
    return store.recommendation_for(athlete_id, day or dt.date.today())


def stored_today(store: Store | DayReads, athlete_id: str, day: dt.date) -> StoredRecommendation:
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


def keep_for_today(recommendation: Recommendation) -> None:
    """Let the next ``today`` in another process read this just-stored recommendation without
    validating it again (see :mod:`engine.storage.validated_documents`)."""
    from engine.storage.schema import document
    from engine.storage.validated_documents import remember

    remember(document(recommendation))


def card_of(store: Store | DayReads, stored: StoredRecommendation, words: CardWords) -> AthleteCard:
    """The athlete's card of a stored recommendation: the coach's session when amended, the
    review status and the coach's note."""
    amended, coach_note = day_reads(store).review_state(stored.id)
    review = Review(stored.id, stored.status, coach_note, amended)
    return athlete_card(stored.recommendation, words, review)


def today_athlete_card(
    store: Store, athlete_id: str, day: dt.date, words: CardWords
) -> AthleteCard | None:
    """The card of ``day``, or None when the athlete has not checked in that day."""
    stored = todays_recommendation(store, athlete_id, day)
    return None if stored is None else card_of(store, stored, words)
