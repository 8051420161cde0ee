"""The JSON API's public models: what each endpoint takes and returns (see /openapi.json).

Recommendations, check-ins, sessions and session logs are the engine's own public models
(``engine.contract.models``); these wrap them with the review state and the decisions.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from engine.app.access import ReviewEvent
from engine.app.athlete_card import AthleteCard
from engine.app.review import QueueItem
from engine.app.review_view import ReviewDetail
from engine.contract.models import (
    CheckIn,
    Intensity,
    KbId,
    PainReport,
    PlannedRun,
    Recommendation,
    Session,
    SessionKind,
    SessionLog,
)
from engine.web.limits import (
    MAX_AMEND_ITEMS,
    MAX_NOTE_CHARS,
    MAX_PAIN_DURING_CHARS,
    MAX_PAIN_REPORTS,
    MAX_UPCOMING_RUNS,
)

ReasonCode = Literal["athlete_context", "disagree_with_rule", "data_error", "other"]
StatusFilter = Literal["pending", "approved", "amended", "rejected", "all"]


# Ids in paths: within the database's integer range (a larger one is simply not found), and
# athlete ids as long as the profile allows.
RecommendationId = Annotated[int, Path(ge=1, le=2**31 - 1)]
AthleteIdPath = Annotated[str, Path(min_length=1, max_length=64)]


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(ApiModel):
    detail: str


class QueueItemOut(ApiModel):
    id: int
    athlete: str
    date: dt.date
    status: str
    session: str = Field(description="session kind, program and intensity")
    flags: list[str] = Field(description="what needs attention: pain, HIIT blocked, ladder moves")

    @classmethod
    def of(cls, item: QueueItem) -> QueueItemOut:
        stored = item.recommendation
        return cls(
            id=stored.id,
            athlete=stored.athlete_id,
            date=stored.date,
            status=stored.status,
            session=item.summary,
            flags=item.flags,
        )


class EventOut(ApiModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: int
    recommendation: int
    athlete: str
    action: str
    reviewer: str
    at: dt.datetime
    from_: str = Field(alias="from")
    to: str
    reason_code: str | None
    note: str | None
    changes: dict[str, Any]
    forced: bool

    @classmethod
    def of(cls, event: ReviewEvent) -> EventOut:
        return cls(
            id=event.id,
            recommendation=event.recommendation_id,
            athlete=event.athlete_id,
            action=event.action,
            reviewer=event.reviewer,
            # Stored as naive UTC; RFC 3339 (and the schema) needs the offset.
            at=event.at.replace(tzinfo=dt.UTC),
            from_=event.previous_status,
            to=event.new_status,
            reason_code=event.reason_code,
            note=event.note,
            changes=event.changes,
            forced=event.forced,
        )


class RecommendationOut(ApiModel):
    id: int
    athlete: str
    date: dt.date
    status: str
    coach_note: str | None
    amended_session: Session | None
    checkin: dict[str, Any]
    recommendation: Recommendation
    sources: dict[str, str] = Field(description="each cited source, described")
    events: list[EventOut]

    @classmethod
    def of(cls, detail: ReviewDetail) -> RecommendationOut:
        return cls(
            id=detail.id,
            athlete=detail.athlete_id,
            date=detail.date,
            status=detail.status,
            coach_note=detail.coach_note,
            amended_session=detail.amended_session,
            checkin=detail.checkin,
            recommendation=detail.recommendation,
            sources=detail.sources,
            events=[EventOut.of(event) for event in detail.events],
        )


class ApproveIn(ApiModel):
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)
    force: bool = Field(default=False, description="decide again on a decided one")


class RejectIn(ApproveIn):
    reason_code: ReasonCode


class DoseIn(ApiModel):
    sets: int = Field(ge=1, le=100)
    reps: int = Field(ge=0, le=1000)
    load_kg: float | None = Field(default=None, ge=0, le=1000)


class AmendIn(ApproveIn):
    kind: SessionKind | None = None
    intensity: Intensity | None = None
    drop: list[KbId] = Field(default_factory=list, max_length=MAX_AMEND_ITEMS)
    swap: dict[KbId, KbId] = Field(
        default_factory=dict, max_length=MAX_AMEND_ITEMS, description="old exercise id: new"
    )
    dose: dict[KbId, DoseIn] = Field(default_factory=dict, max_length=MAX_AMEND_ITEMS)
    session: Session | None = Field(default=None, description="a whole replacement session")
    override: str | None = Field(
        default=None,
        max_length=MAX_NOTE_CHARS,
        description="the coach's reason to amend past the day's safety rules (audit-logged)",
    )


class DecisionOut(ApiModel):
    recommendation: int
    status: str
    event: EventOut


class TodayOut(AthleteCard):
    """The athlete's card (the same JSON as ``runstrong today --format json``); the coach also
    gets the whole recommendation with its reasons."""

    model_config = ConfigDict(extra="forbid")

    recommendation: Recommendation | None = Field(
        description="the whole recommendation with its reasons: for the coach only (the "
        "athlete's pages show the card)"
    )


class PainReportIn(PainReport):
    during: str | None = Field(default=None, max_length=MAX_PAIN_DURING_CHARS)


class CheckInBody(CheckIn):
    """A check-in with the same bounds as the check-in form's fields."""

    pain: list[PainReportIn] = Field(default_factory=list, max_length=MAX_PAIN_REPORTS)  # type: ignore[assignment]
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)

    def plain(self) -> CheckIn:
        return CheckIn.model_validate(self.model_dump(exclude_unset=True))


class CheckInIn(ApiModel):
    checkin: CheckInBody
    upcoming: list[PlannedRun] = Field(default_factory=list, max_length=MAX_UPCOMING_RUNS)
    replace: bool = Field(default=False, description="replace that day's check-in")


class CheckInOut(AthleteCard):
    """The new recommendation's card (``id`` is the recommendation's id); the coach also gets
    the whole recommendation with its reasons."""

    model_config = ConfigDict(extra="forbid")

    recommendation: Recommendation | None = Field(
        description="the whole recommendation with its reasons: for the coach only"
    )


class LoggedOut(ApiModel):
    id: int
    session: SessionLog


class MeOut(ApiModel):
    name: str
    role: str
    athletes: list[str]
