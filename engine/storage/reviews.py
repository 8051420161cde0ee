"""Coach decisions on recommendations, and the audit trail they leave.

A decision updates the recommendation's status (and, for an amendment, its amended session),
appends an event to ``review_events`` and, for an approved ladder advance, moves the athlete's
stage, all in one transaction. Events are never updated or deleted; the database itself
refuses to (see migration 0002).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer
from sqlalchemy import select

from engine.contract.models import AthleteProfile, Session
from engine.contract.review_codes import REASON_CODES
from engine.storage.recommendations import mark_firings, recommendation_row
from engine.storage.schema import ReviewEventRow
from engine.storage.store import Store, StoreError

__all__ = ["REASON_CODES", "AlreadyDecided", "Decision", "ReviewEvent", "ReviewStore"]
DECISIONS = {"approve": "approved", "amend": "amended", "reject": "rejected"}


class AlreadyDecided(StoreError):
    pass


class ReviewEvent(BaseModel):
    """One coach decision as read back from the audit log. The field list lives here only:
    rows are read by attribute, and the JSON a front end shows uses the aliases."""

    model_config = ConfigDict(from_attributes=True, frozen=True, populate_by_name=True)

    id: int
    recommendation_id: int = Field(serialization_alias="recommendation")
    athlete_id: str = Field(serialization_alias="athlete")
    action: str
    reviewer: str
    at: dt.datetime
    previous_status: str = Field(serialization_alias="from")
    new_status: str = Field(serialization_alias="to")
    reason_code: str | None
    note: str | None
    changes: dict[str, Any]
    forced: bool

    @field_serializer("at")
    def _at_seconds(self, value: dt.datetime) -> str:
        # Stored as naive UTC; RFC 3339 (and a reader in another zone) needs the offset.
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Decision:
    action: str  # approve | amend | reject
    reviewer: str
    note: str | None = None
    reason_code: str | None = None
    changes: dict[str, Any] | None = None
    amended_session: Session | None = None
    # An approved ladder advance: the athlete's profile with the new stage.
    profile_update: AthleteProfile | None = None
    force: bool = False


class ReviewStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def decide(self, recommendation_id: int, decision: Decision) -> ReviewEvent:
        if decision.action not in DECISIONS:
            raise StoreError(f"unknown decision {decision.action!r}")
        if decision.reason_code is not None and decision.reason_code not in REASON_CODES:
            raise StoreError(
                f"unknown reason code {decision.reason_code!r}; "
                f"use one of {', '.join(REASON_CODES)}"
            )
        with self.store.transaction() as session:
            # Locked: six approvals at once must give one decision, not six (PostgreSQL).
            row = recommendation_row(session, recommendation_id, lock=True)
            if row.status == "final":
                raise AlreadyDecided(
                    f"recommendation {recommendation_id} is final: {row.athlete_id} has no "
                    "coach, so there is nothing to review"
                )
            if row.status == "superseded":
                raise AlreadyDecided(
                    f"recommendation {recommendation_id} was superseded by a later check-in"
                )
            if row.status != "pending" and not decision.force:
                raise AlreadyDecided(
                    f"recommendation {recommendation_id} is already {row.status}; use --force to "
                    "decide again"
                )
            previous = row.status
            row.status = DECISIONS[decision.action]
            mark_firings(session, recommendation_id, row.status)
            if decision.note is not None:
                row.coach_note = decision.note
            if decision.amended_session is not None:
                row.amended_session = decision.amended_session.model_dump(mode="json")
            elif decision.action != "amend":
                row.amended_session = None
            if decision.profile_update is not None:
                self.store.update_athlete_in(
                    session,
                    decision.profile_update,
                    f"advance approved by {decision.reviewer}",
                    recommendation_id,
                )
            event = ReviewEventRow(
                recommendation_id=recommendation_id,
                athlete_id=row.athlete_id,
                action=decision.action,
                reviewer=decision.reviewer,
                previous_status=previous,
                new_status=row.status,
                reason_code=decision.reason_code,
                note=decision.note,
                changes=decision.changes or {},
                forced=decision.force and previous != "pending",
            )
            session.add(event)
            session.flush()
            return ReviewEvent.model_validate(event)

    def events(self, recommendation_id: int) -> list[ReviewEvent]:
        with self.store.reading() as session:
            recommendation_row(session, recommendation_id)
            rows = session.scalars(
                select(ReviewEventRow)
                .where(ReviewEventRow.recommendation_id == recommendation_id)
                .order_by(ReviewEventRow.id)
            )
            return [ReviewEvent.model_validate(row) for row in rows]

    def all_events(self, since: dt.date | None = None) -> list[ReviewEvent]:
        with self.store.reading() as session:
            query = select(ReviewEventRow)
            if since is not None:
                query = query.where(ReviewEventRow.at >= dt.datetime.combine(since, dt.time.min))
            return [
                ReviewEvent.model_validate(row)
                for row in session.scalars(query.order_by(ReviewEventRow.id))
            ]

    def review_state(self, recommendation_id: int) -> tuple[Session | None, str | None]:
        """The coach's amended session and note, if any."""
        with self.store.reading() as session:
            row = recommendation_row(session, recommendation_id)
            amended = Session.model_validate(row.amended_session) if row.amended_session else None
            return amended, row.coach_note
