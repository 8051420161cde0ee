"""Athletes: their profiles, and the history of their ladder stages that every change of a
profile appends to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.contract.models import AthleteProfile
from engine.storage.errors import AlreadyExists, NotFound
from engine.storage.records import no_athlete
from engine.storage.schema import AthleteRow, LadderPositionRow, document, utcnow
from engine.storage.transactions import StoreBase, refuse_duplicate


def athlete_row(session: Session, athlete_id: str) -> AthleteRow:
    """The athlete's row, or NotFound naming the athlete (and how to add one)."""
    row = session.get(AthleteRow, athlete_id)
    if row is None:
        raise NotFound(no_athlete(athlete_id))
    return row


def record_ladders(
    session: Session,
    profile: AthleteProfile,
    before: AthleteProfile | None,
    reason: str,
    recommendation_id: int | None,
) -> None:
    """Append a ladder-history row for each ladder whose stage (or its start) changed."""
    for ladder_id, position in profile.ladders.items():
        old = before.ladders.get(ladder_id) if before else None
        if old is not None and old.stage == position.stage and old.since == position.since:
            continue
        session.add(
            LadderPositionRow(
                athlete_id=profile.id,
                ladder=ladder_id,
                stage=position.stage,
                since=position.since,
                assistance=position.assistance,
                reason=reason,
                recommendation_id=recommendation_id,
            )
        )


class AthleteRecords(StoreBase):
    def add_athlete(self, profile: AthleteProfile) -> None:
        exists = f"athlete {profile.id!r} already exists"
        with refuse_duplicate(exists), self.transaction() as session:
            if session.get(AthleteRow, profile.id) is not None:
                raise AlreadyExists(exists)
            session.add(
                AthleteRow(
                    id=profile.id,
                    level=profile.level,
                    has_coach=profile.has_coach,
                    profile=document(profile),
                )
            )
            session.flush()
            record_ladders(session, profile, None, "added with the profile", None)

    def get_athlete(self, athlete_id: str) -> AthleteProfile:
        with self.reading() as session:
            return AthleteProfile.model_validate(athlete_row(session, athlete_id).profile)

    def list_athletes(self) -> list[AthleteProfile]:
        with self.reading() as session:
            rows = session.scalars(select(AthleteRow).order_by(AthleteRow.id))
            return [AthleteProfile.model_validate(row.profile) for row in rows]

    def update_athlete(
        self,
        profile: AthleteProfile,
        reason: str = "profile edited",
        recommendation_id: int | None = None,
    ) -> None:
        with self.transaction() as session:
            self.update_athlete_in(session, profile, reason, recommendation_id)

    def update_athlete_in(
        self,
        session: Session,
        profile: AthleteProfile,
        reason: str,
        recommendation_id: int | None,
    ) -> None:
        """Update a profile inside a transaction the caller holds (a coach's decision changes
        the recommendation and the athlete's stage together)."""
        row = athlete_row(session, profile.id)
        before = AthleteProfile.model_validate(row.profile)
        row.profile = document(profile)
        row.level = profile.level
        row.has_coach = profile.has_coach
        row.updated_at = utcnow()
        record_ladders(session, profile, before, reason, recommendation_id)

    def ladder_history(self, athlete_id: str) -> list[LadderPositionRow]:
        with self.reading() as session:
            athlete_row(session, athlete_id)
            return list(
                session.scalars(
                    select(LadderPositionRow)
                    .where(LadderPositionRow.athlete_id == athlete_id)
                    .order_by(LadderPositionRow.id)
                )
            )
