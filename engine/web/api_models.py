"""The JSON API's public models: what each endpoint takes and returns (see /openapi.json).

What the API returns is the application's own view models, whose JSON the CLI prints too:
the triage row (``review list``), the review of one recommendation (``review show``), a
decision (``review history``) and the athlete's card (``today``, ``checkin``). Only the
request bodies, and the answer to a decision, are the API's own.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from engine.app.access import ReviewEvent
from engine.contract.models import (
    CheckIn,
    Intensity,
    KbId,
    PainReport,
    PlannedRun,
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
# The triage's statuses and flags (engine.app.triage), as Literal types for OpenAPI and mypy.
StatusFilter = Literal["pending", "lapsed", "approved", "amended", "rejected", "all"]
FlagFilter = Literal["pain", "ladder", "load", "override", "readiness", "attention"]


# Ids in paths: within the database's integer range (a larger one is simply not found), and
# athlete ids as long as the profile allows.
RecommendationId = Annotated[int, Path(ge=1, le=2**31 - 1)]
AthleteIdPath = Annotated[str, Path(min_length=1, max_length=64)]


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(ApiModel):
    detail: str


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
    event: ReviewEvent


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


class LoggedOut(ApiModel):
    id: int
    session: SessionLog


class MeOut(ApiModel):
    name: str
    role: str
    athletes: list[str]
