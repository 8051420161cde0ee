"""The JSON API: parse the request, call the ``engine.app`` use case, return a public model."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from engine.app import access
from engine.app.access import ReviewEvent
from engine.app.accounts import Principal
from engine.app.review import Amendment
from engine.contract.models import CheckIn
from engine.web.api_models import (
    AmendIn,
    ApproveIn,
    AthleteIdPath,
    CheckInIn,
    CheckInOut,
    DecisionOut,
    ErrorOut,
    EventOut,
    LoggedOut,
    MeOut,
    QueueItemOut,
    RecommendationId,
    RecommendationOut,
    RejectIn,
    StatusFilter,
    TodayOut,
)
from engine.web.auth import api_user
from engine.web.state import web_state

_errors: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no or unknown credentials"},
    403: {"model": ErrorOut, "description": "not allowed (or a missing CSRF header)"},
    404: {"model": ErrorOut, "description": "not found, or not yours to see"},
}
_decision_errors: dict[int | str, dict[str, Any]] = {
    **_errors,
    409: {"model": ErrorOut, "description": "already decided, or superseded"},
}

router = APIRouter(prefix="/api", tags=["api"], responses=_errors)
User = Annotated[Principal, Depends(api_user)]


@router.get("/me")
def me(principal: User) -> MeOut:
    """Who the credentials belong to, and which athletes they may see."""
    return MeOut(
        name=principal.user.name,
        role=principal.user.role,
        athletes=access.visible_athletes(principal),
    )


@router.get("/recommendations")
def list_recommendations(
    request: Request,
    principal: User,
    status: Annotated[StatusFilter, Query()] = "pending",
    athlete: Annotated[str | None, Query(max_length=64)] = None,
) -> list[QueueItemOut]:
    """The review queue, oldest first, over the athletes you may see."""
    state = web_state(request)
    items = access.visible_queue(state.store, state.evaluator, principal, status, athlete)
    return [QueueItemOut.of(item) for item in items]


@router.get("/recommendations/{recommendation_id}")
def get_recommendation(
    request: Request, principal: User, recommendation_id: RecommendationId
) -> RecommendationOut:
    """Everything behind one recommendation: check-in, features, rules, sources, decisions."""
    state = web_state(request)
    detail = access.visible_detail(state.store, state.evaluator, principal, recommendation_id)
    return RecommendationOut.of(detail)


def _decision(event: ReviewEvent) -> DecisionOut:
    return DecisionOut(
        recommendation=event.recommendation_id, status=event.new_status, event=EventOut.of(event)
    )


@router.post("/recommendations/{recommendation_id}/approve", responses=_decision_errors)
def approve(
    request: Request, principal: User, recommendation_id: RecommendationId, body: ApproveIn
) -> DecisionOut:
    """Approve (a proposed ladder advance then takes effect); you are the reviewer."""
    decided = access.approve_as(
        web_state(request).store, principal, recommendation_id, body.note, body.force
    )
    return _decision(decided.event)


@router.post("/recommendations/{recommendation_id}/reject", responses=_decision_errors)
def reject(
    request: Request, principal: User, recommendation_id: RecommendationId, body: RejectIn
) -> DecisionOut:
    """Reject with a coded reason."""
    decided = access.reject_as(
        web_state(request).store,
        principal,
        recommendation_id,
        body.reason_code,
        body.note,
        body.force,
    )
    return _decision(decided.event)


@router.post(
    "/recommendations/{recommendation_id}/amend",
    responses={**_decision_errors, 422: {"description": "the amendment is not valid"}},
)
def amend(
    request: Request, principal: User, recommendation_id: RecommendationId, body: AmendIn
) -> DecisionOut:
    """Change the session; checked against the knowledge base and the athlete's equipment."""
    amendment = Amendment(
        kind=body.kind,
        intensity=body.intensity,
        drop=list(body.drop),
        swap=list(body.swap.items()),
        dose=[(key, dose.model_dump(exclude_none=True)) for key, dose in body.dose.items()],
        session=body.session,
        override=body.override,
    )
    state = web_state(request)
    decided = access.amend_as(
        state.store, state.evaluator, principal, recommendation_id, amendment, body.note, body.force
    )
    return _decision(decided.event)


@router.get("/athletes/{athlete_id}/checkins")
def list_checkins(
    request: Request,
    principal: User,
    athlete_id: AthleteIdPath,
    since: Annotated[dt.date | None, Query()] = None,
) -> list[CheckIn]:
    """The athlete's check-ins, oldest first."""
    return access.visible_checkins(web_state(request).store, principal, athlete_id, since)


@router.post(
    "/athletes/{athlete_id}/checkins",
    status_code=201,
    responses={409: {"model": ErrorOut, "description": "already checked in that day"}},
)
def post_checkin(
    request: Request, principal: User, athlete_id: AthleteIdPath, body: CheckInIn
) -> CheckInOut:
    """Check in: the check-in is stored with the recommendation computed from it."""
    state = web_state(request)
    result = access.check_in_as(
        state.store,
        state.evaluator,
        principal,
        athlete_id,
        body.checkin,
        body.upcoming,
        body.replace,
        dt.date.today(),
    )
    return CheckInOut(id=result.recommendation_id, recommendation=result.recommendation)


@router.get("/athletes/{athlete_id}/today")
def today(request: Request, principal: User, athlete_id: AthleteIdPath) -> TodayOut:
    """Today's session (the coach's version when amended), its review status and note."""
    day = dt.date.today()
    card = access.visible_today(web_state(request).store, principal, athlete_id, day)
    if card is None:
        raise access.NotFound(f"no check-in for {athlete_id} on {day}")
    return TodayOut(
        id=card.recommendation_id,
        status=card.status,
        status_text=card.status_text,
        coach_note=card.coach_note,
        amended_by_coach=card.amended_by_coach,
        recommendation=card.recommendation,
    )


@router.post(
    "/athletes/{athlete_id}/done",
    status_code=201,
    responses={422: {"description": "nothing to log"}},
)
def done(request: Request, principal: User, athlete_id: AthleteIdPath) -> LoggedOut:
    """Log today's session as recommended."""
    state = web_state(request)
    log_id, log = access.done_as_recommended_as(
        state.store, state.evaluator, principal, athlete_id, dt.date.today()
    )
    return LoggedOut(id=log_id, session=log)
