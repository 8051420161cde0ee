"""Check-ins: the day's answers, stored together with the recommendation made from them (and
its fired rules as rows), and read back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.contract.models import CheckIn, PlannedRun, Recommendation
from engine.storage.athletes import athlete_row
from engine.storage.errors import AlreadyExists
from engine.storage.recommendations import mark_firings
from engine.storage.schema import CheckInRow, RecommendationRow, RuleFiringRow, document, utcnow
from engine.storage.transactions import StoreBase, refuse_duplicate
from engine.storage.triage_columns import fired_rules_of, triage_values


def _checkin_row(session: Session, athlete_id: str, day: dt.date) -> CheckInRow | None:
    return session.scalars(
        select(CheckInRow).where(CheckInRow.athlete_id == athlete_id, CheckInRow.date == day)
    ).first()


def _supersede_recommendations(session: Session, checkin_id: int) -> None:
    """Mark the replaced check-in's recommendations superseded (never deleted: one may carry a
    coach's decision)."""
    for old in session.scalars(
        select(RecommendationRow).where(
            RecommendationRow.checkin_id == checkin_id,
            RecommendationRow.status != "superseded",
        )
    ):
        old.status = "superseded"
        mark_firings(session, old.id, "superseded")


class CheckInRecords(StoreBase):
    def get_checkin(self, athlete_id: str, day: dt.date) -> CheckIn | None:
        with self.reading() as session:
            row = _checkin_row(session, athlete_id, day)
            return None if row is None else CheckIn.model_validate(row.data)

    def checkins(
        self, athlete_id: str, since: dt.date | None = None, until: dt.date | None = None
    ) -> list[CheckIn]:
        with self.reading() as session:
            query = select(CheckInRow.data).where(CheckInRow.athlete_id == athlete_id)
            if since is not None:
                query = query.where(CheckInRow.date >= since)
            if until is not None:
                query = query.where(CheckInRow.date <= until)
            rows = session.scalars(query.order_by(CheckInRow.date))
            return [CheckIn.model_validate(data) for data in rows]

    def save_checkin(
        self,
        athlete_id: str,
        checkin: CheckIn,
        upcoming: list[PlannedRun],
        request: dict[str, Any],
        recommendation: Recommendation,
        replace: bool,
        status: str = "pending",
    ) -> int:
        """Store a check-in and its recommendation together; return the recommendation id.

        ``status`` is ``pending`` (a coach will review it) or ``final`` (no coach). With
        ``replace``, an existing check-in for that day is overwritten and its
        recommendation marked superseded (never deleted: it may carry a coach's decision).
        """
        duplicate = (
            f"{athlete_id} already checked in on {checkin.date} (another check-in for that day "
            "was saved at the same moment); use --replace to replace it"
        )
        with refuse_duplicate(duplicate), self.transaction() as session:
            athlete_row(session, athlete_id)
            row = _checkin_row(session, athlete_id, checkin.date)
            if row is not None and not replace:
                raise AlreadyExists(
                    f"{athlete_id} already checked in on {checkin.date}; use --replace to "
                    "replace it"
                )
            if row is None:
                row = CheckInRow(
                    athlete_id=athlete_id,
                    date=checkin.date,
                    data=document(checkin),
                    upcoming=[document(run) for run in upcoming],
                )
                session.add(row)
            else:
                row.data = document(checkin)
                row.upcoming = [document(run) for run in upcoming]
                row.updated_at = utcnow()
                _supersede_recommendations(session, row.id)
            session.flush()
            return _add_recommendation(session, row, request, recommendation, status)


def _add_recommendation(
    session: Session,
    checkin: CheckInRow,
    request: dict[str, Any],
    recommendation: Recommendation,
    status: str,
) -> int:
    """The check-in's new recommendation and its fired rules as rows; returns its id."""
    stored_document = document(recommendation)
    stored = RecommendationRow(
        athlete_id=checkin.athlete_id,
        checkin_id=checkin.id,
        date=checkin.date,
        status=status,
        rules_version=recommendation.rules_version,
        request=request,
        recommendation=stored_document,
        **triage_values(request, stored_document),
    )
    session.add(stored)
    session.flush()
    session.add_all(
        RuleFiringRow(recommendation_id=stored.id, rule=rule, status=status, date=checkin.date)
        for rule in fired_rules_of(stored_document)
    )
    session.flush()
    return stored.id
