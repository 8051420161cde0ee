"""The JSON API: parse the request, call the ``engine.app`` use case, return a public model."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from engine.app import access
from engine.app.access import ReviewEvent
from engine.app.accounts import Principal
from engine.app.athlete_card import AthleteCard, CardWords, Review, athlete_card, card_words
from engine.app.review import Amendment
from engine.app.review_view import ReviewJson
from engine.app.triage import TriageItem
from engine.contract.errors import InputError, Problem
from engine.contract.models import CheckIn
from engine.web.api_models import (
    AmendIn,
    ApproveIn,
    AthleteIdPath,
    CheckInIn,
    DecisionOut,
    ErrorOut,
    FlagFilter,
    LoggedOut,
    MeOut,
    RecommendationId,
    RejectIn,
    StatusFilter,
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


@router.get("/recommendations", response_model_by_alias=True)
def list_recommendations(
    request: Request,
    principal: User,
    status: Annotated[StatusFilter, Query()] = "pending",
    flag: Annotated[FlagFilter | None, Query()] = None,
    athlete: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> list[TriageItem]:
    """One page of the coach's triage over the athletes you may see, as ``review list``
    orders it: today and tomorrow first, what needs attention first within a day."""
    state = web_state(request)
    size, start = _page(request, limit, offset)
    page = access.visible_triage(
        state.store, state.evaluator, principal, status, athlete, flag, offset=start, limit=size
    )
    return page.items


@router.get("/recommendations/{recommendation_id}")
def get_recommendation(
    request: Request, principal: User, recommendation_id: RecommendationId
) -> ReviewJson:
    """Everything behind one recommendation: check-in, features, rules, sources, decisions
    (the JSON of ``review show --format json``)."""
    state = web_state(request)
    detail = access.visible_detail(state.store, state.evaluator, principal, recommendation_id)
    return detail.json_view()


def _decision(event: ReviewEvent) -> DecisionOut:
    return DecisionOut(recommendation=event.recommendation_id, status=event.new_status, event=event)


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
) -> AthleteCard:
    """Check in for the athlete's today (in their time zone); the check-in is stored with the
    recommendation computed from it, and the answer is its card (the JSON of ``checkin
    --format json``; ``id`` is the recommendation's, whose reasons a coach reads at
    ``/api/recommendations/{id}``). Only the athlete's coach may correct another day, and that
    is audited."""
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
    review = Review(result.recommendation_id, result.status)
    return athlete_card(result.recommendation, _words(request), review)


def _words(request: Request) -> CardWords:
    evaluator = web_state(request).evaluator
    return card_words(evaluator.kb, evaluator.ruleset)


@router.get("/athletes/{athlete_id}/today")
def today(request: Request, principal: User, athlete_id: AthleteIdPath) -> AthleteCard:
    """Today's card where the athlete is (the coach's version when amended), with its review
    status and note: the JSON of ``today --format json``. ``id`` is the recommendation's,
    whose reasons a coach reads at ``/api/recommendations/{id}``."""
    store = web_state(request).store
    day = access.today_of(store, principal, athlete_id)
    card = access.visible_athlete_card(store, principal, athlete_id, day, _words(request))
    if card is None:
        raise access.NotFound(f"no check-in for {athlete_id} on {day}")
    return card


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
