"""Recommendations as stored: the reads of them (by day, by id, all of an athlete's, and the
pages a replay reads), and the row helpers that a write on one (a new check-in, a coach's
decision) shares."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Text, and_, cast, func, or_, select, update
from sqlalchemy.orm import Session

from engine.contract.models import Recommendation
from engine.storage.athletes import athlete_row
from engine.storage.errors import NotFound
from engine.storage.records import StoredRecommendation
from engine.storage.row_ids import row_by_id
from engine.storage.schema import RecommendationRow, RuleFiringRow
from engine.storage.transactions import StoreBase

# Recommendations that stand (a replaced check-in's are kept as "superseded").
_CURRENT = RecommendationRow.status != "superseded"


def _after_key(after: tuple[dt.date, int] | None) -> list[ColumnElement[bool]]:
    """The condition for the next keyset page of recommendations by (date, id), after the last
    row of the previous page (none for the first page)."""
    if after is None:
        return []
    day, last_id = after
    row = RecommendationRow
    return [or_(row.date > day, and_(row.date == day, row.id > last_id))]


def mark_firings(session: Session, recommendation_id: int, status: str) -> None:
    """Keep the fired-rule rows' copy of the recommendation's status (migration 0010)."""
    session.execute(
        update(RuleFiringRow)
        .where(RuleFiringRow.recommendation_id == recommendation_id)
        .values(status=status)
    )


def recommendation_row(
    session: Session, recommendation_id: int, lock: bool = False
) -> RecommendationRow:
    """The recommendation's row, or NotFound (an id no INTEGER column can hold included).
    ``lock``: for a write that depends on what it reads (a decision on a pending
    recommendation); see :func:`~engine.storage.row_ids.row_by_id`."""
    row = row_by_id(session, RecommendationRow, recommendation_id, lock)
    if row is None:
        raise NotFound(f"no such recommendation: {recommendation_id}")
    return row


def stored_recommendation(row: RecommendationRow) -> StoredRecommendation:
    return StoredRecommendation(
        id=row.id,
        athlete_id=row.athlete_id,
        date=row.date,
        status=row.status,
        rules_version=row.rules_version,
        recommendation=Recommendation.model_validate(row.recommendation),
        request=row.request,
        created_at=row.created_at,
    )


class RecommendationReads(StoreBase):
    def recommendation_for(self, athlete_id: str, day: dt.date) -> StoredRecommendation | None:
        """The current (not superseded) recommendation of that day."""
        with self.reading() as session:
            athlete_row(session, athlete_id)
            row = session.scalars(
                select(RecommendationRow)
                .where(
                    RecommendationRow.athlete_id == athlete_id,
                    RecommendationRow.date == day,
                    RecommendationRow.status != "superseded",
                )
                .order_by(RecommendationRow.id.desc())
            ).first()
            return None if row is None else stored_recommendation(row)

    def get_recommendation(self, recommendation_id: int) -> StoredRecommendation:
        with self.reading() as session:
            return stored_recommendation(recommendation_row(session, recommendation_id))

    def recommendations(
        self, athlete_id: str | None = None, since: dt.date | None = None
    ) -> list[StoredRecommendation]:
        with self.reading() as session:
            query = select(RecommendationRow).where(RecommendationRow.status != "superseded")
            if athlete_id is not None:
                query = query.where(RecommendationRow.athlete_id == athlete_id)
            if since is not None:
                query = query.where(RecommendationRow.date >= since)
            rows = session.scalars(query.order_by(RecommendationRow.date, RecommendationRow.id))
            return [stored_recommendation(row) for row in rows]

    def count_stored_requests(self) -> int:
        """How many non-superseded recommendations there are (what a replay reads)."""
        with self.reading() as session:
            query = select(func.count()).select_from(RecommendationRow)
            return int(session.execute(query.where(_CURRENT)).scalar_one())

    def stored_requests(
        self, limit: int, after: tuple[dt.date, int] | None = None
    ) -> list[tuple[int, dt.date, str]]:
        """One page of (recommendation id, date, request as JSON text) of the non-superseded
        recommendations, by date then id, after the (date, id) key ``after``.

        Keyset pages, each its own short read: a replay of a large history never holds one
        long read open (on SQLite that would hold back the WAL checkpoint for its duration),
        and the request stays JSON text for the reader to parse.
        """
        row = RecommendationRow
        query = select(row.id, row.date, cast(row.request, Text))
        query = query.where(_CURRENT, *_after_key(after))
        with self.reading() as session:
            rows = session.execute(query.order_by(row.date, row.id).limit(limit)).all()
        return [(int(rec_id), day, str(text)) for rec_id, day, text in rows]
