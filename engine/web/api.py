"""The JSON API: parse the request, call the ``engine.app`` use case, return a public model."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from engine.app import access
from engine.app.access import ReviewEvent
from engine.app.accounts import Principal
from engine.app.athlete_card import CardWords, Review, athlete_card, card_words
from engine.app.athlete_day import TodayCard
from engine.app.review import Amendment
from engine.app.today import today_athlete_card
from engine.contract.errors import InputError, Problem
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
    401: {"model": ErrorOut, "description": "no, unknown, expired or revoked credentials"},
    403: {"model": ErrorOut, "description": "not allowed (or a missing CSRF header)"},
    404: {"model": ErrorOut, "description": "not found, or not yours to see (one answer)"},
    413: {"model": ErrorOut, "description": "the request body is too large"},
    503: {"model": ErrorOut, "description": "busy: try again after Retry-After seconds"},
}
_decision_errors: dict[int | str, dict[str, Any]] = {
    **_errors,
    409: {"model": ErrorOut, "description": "already decided, or superseded"},
}

router = APIRouter(prefix="/api", tags=["api"], responses=_errors)
User = Annotated[Principal, Depends(api_user)]
Limit = Annotated[int | None, Query(ge=1, description="page size (default and maximum: settings)")]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]


# The OpenAPI document at /openapi.json (outside the /api prefix, where clients look for it).
schema_router = APIRouter(include_in_schema=False)


@schema_router.get("/openapi.json")
def openapi(request: Request, principal: User) -> JSONResponse:
    """The OpenAPI document, for logged-in users only (it maps every endpoint)."""
    return JSONResponse(request.app.openapi())


def _page(request: Request, limit: int | None, offset: int) -> tuple[int, int]:
    settings = web_state(request).settings
    if limit is not None and limit > settings.max_page_size:
        raise InputError([Problem(f"at most {settings.max_page_size}", field="limit")])
    return (limit or settings.page_size), offset


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
    limit: Limit = None,
    offset: Offset = 0,
) -> list[QueueItemOut]:
    """One page of the review queue, oldest first, over the athletes you may see (coaches)."""
    state = web_state(request)
    size, start = _page(request, limit, offset)
    items = access.visible_queue(
        state.store, state.evaluator, principal, status, athlete, limit=size, offset=start
    )
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
    limit: Limit = None,
    offset: Offset = 0,
) -> list[CheckIn]:
    """One page of the athlete's check-ins, oldest first."""
    size, start = _page(request, limit, offset)
    store = web_state(request).store
    return access.visible_checkins(store, principal, athlete_id, since, size, start)


@router.post(
    "/athletes/{athlete_id}/checkins",
    status_code=201,
    responses={
        409: {"model": ErrorOut, "description": "already checked in that day"},
        422: {"description": "invalid, or a day other than the athlete's today"},
    },
)
def post_checkin(
    request: Request, principal: User, athlete_id: AthleteIdPath, body: CheckInIn
) -> CheckInOut:
    """Check in for the athlete's today (in their time zone); the check-in is stored with the
    recommendation computed from it. Only the athlete's coach may correct another day, and
    that is audited."""
    state = web_state(request)
    result = access.check_in_as(
        state.store,
        state.evaluator,
        principal,
        athlete_id,
        body.checkin.plain(),
        body.upcoming,
        body.replace,
    )
    rec = result.recommendation
    review = Review(result.recommendation_id, result.status)
    card = athlete_card(rec, _words(request), review)
    return CheckInOut(**dict(card), recommendation=rec if principal.is_coach else None)


def _words(request: Request) -> CardWords:
    evaluator = web_state(request).evaluator
    return card_words(evaluator.kb, evaluator.ruleset)


def _today_out(
    request: Request, card: TodayCard, athlete_id: str, principal: Principal
) -> TodayOut:
    store = web_state(request).store
    shown = today_athlete_card(store, athlete_id, card.recommendation.date, _words(request))
    if shown is None:  # the check-in was replaced between the two reads
        raise access.NotFound(f"no check-in for {athlete_id} on {card.recommendation.date}")
    coach_view = card.recommendation if principal.is_coach else None
    return TodayOut(**dict(shown), recommendation=coach_view)


@router.get("/athletes/{athlete_id}/today")
def today(request: Request, principal: User, athlete_id: AthleteIdPath) -> TodayOut:
    """Today's session where the athlete is (the coach's version when amended), its review
    status and note; the coach also gets the whole recommendation."""
    store = web_state(request).store
    day = access.today_of(store, principal, athlete_id)
    card = access.visible_today(store, principal, athlete_id, day)
    if card is None:
        raise access.NotFound(f"no check-in for {athlete_id} on {day}")
    return _today_out(request, card, athlete_id, principal)


@router.post(
    "/athletes/{athlete_id}/done",
    status_code=201,
    responses={422: {"description": "nothing to log"}},
)
def done(request: Request, principal: User, athlete_id: AthleteIdPath) -> LoggedOut:
    """Log today's session (the athlete's today) as recommended."""
    state = web_state(request)
    day = access.today_of(state.store, principal, athlete_id)
    log_id, log = access.done_as_recommended_as(
        state.store, state.evaluator, principal, athlete_id, day
    )
    return LoggedOut(id=log_id, session=log)
