"""The coach's pages: the review queue, one recommendation with its reasons and the decision
forms, and an athlete's history. Each handler parses, calls ``engine.app.access``, renders."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from engine.app import access
from engine.app.accounts import Principal
from engine.app.amend_choices import amend_choices
from engine.app.athlete_card import card_words
from engine.app.athlete_week import NO_RUNS, athlete_week
from engine.app.review_card import concluded_words, review_card
from engine.app.today import today_athlete_card
from engine.app.triage import TRIAGE_FLAGS, TRIAGE_STATUSES
from engine.app.words import intensity_words, kind_words, reason_words
from engine.contract.errors import InputError, Problem
from engine.contract.models import INTENSITY_ORDER, SESSION_KINDS
from engine.web.api_models import AthleteIdPath, RecommendationId
from engine.web.auth import check_form_csrf, page_user
from engine.web.charts import readiness_chart, week_chart
from engine.web.forms import amendment_from_form, chosen_changes
from engine.web.limits import MAX_NOTE_CHARS
from engine.web.state import web_state
from engine.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(page_user)]
Note = Annotated[str, Form(max_length=MAX_NOTE_CHARS)]
# The amend form's rows: one value per exercise of the session (a page holds a few dozen).
Choices = Annotated[list[Annotated[str, Form(max_length=64)]] | None, Form(max_length=100)]


def _coach(principal: Principal) -> None:
    if not principal.is_coach:
        raise access.Forbidden("the review is for coaches; your day is at /today")


TriageStatus = Literal["pending", "lapsed", "approved", "amended", "rejected", "all"]
TriageFlag = Literal["pain", "readiness", "ladder", "load", "override", "attention"]
# Rows per page of the web queue: a morning's twenty athletes and more on one screen.
WEB_PAGE_ROWS = 50


@router.get("/review")
def review_queue(
    request: Request,
    principal: User,
    status: Annotated[TriageStatus, Query()] = "pending",
    athlete: Annotated[str | None, Query(max_length=64)] = None,
    flag: Annotated[TriageFlag | Literal[""] | None, Query()] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    approved: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> Response:
    _coach(principal)
    athlete = athlete or None
    state = web_state(request)
    page = access.visible_triage(
        state.store,
        state.evaluator,
        principal,
        status,
        athlete,
        flag or None,
        offset,
        WEB_PAGE_ROWS,
    )
    return render(
        request,
        "review.html",
        principal,
        page=page,
        items=page.items,
        status=status,
        athlete=athlete,
        flag=flag or None,
        approved=approved,
        statuses=TRIAGE_STATUSES,
        flags=TRIAGE_FLAGS,
        athletes=access.visible_athletes(principal),
    )


@router.post("/review/approve")
def approve_selected(
    request: Request,
    principal: User,
    csrf: Annotated[str, Form()] = "",
    ids: Annotated[list[int] | None, Form(max_length=WEB_PAGE_ROWS)] = None,
    one: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    """One-click approve (``one``) or the bulk approve of the rows ticked (``ids``): each is
    its own decision and audit event."""
    check_form_csrf(principal, csrf)
    chosen = [one] if one is not None else list(ids or [])
    if not chosen:
        raise InputError([Problem("tick at least one recommendation to approve", field="ids")])
    decided = access.approve_many_as(web_state(request).store, principal, chosen, None)
    return RedirectResponse(f"/review?approved={len(decided)}", status_code=303)


def _detail_page(
    request: Request,
    principal: Principal,
    recommendation_id: RecommendationId,
    error: InputError | None = None,
) -> Response:
    state = web_state(request)
    detail = access.visible_detail(state.store, state.evaluator, principal, recommendation_id)
    kb = state.evaluator.kb
    return render(
        request,
        "recommendation.html",
        principal,
        422 if error else 200,
        detail=detail,
        rec=detail.recommendation,
        card=review_card(detail, card_words(kb, state.evaluator.ruleset)),
        choices=amend_choices(detail.session_shown, kb),
        error=error,
        kinds=[(kind, kind_words(kind)) for kind in SESSION_KINDS],
        intensities=[(level, intensity_words(level)) for level in INTENSITY_ORDER],
        reasons=[(code, reason_words(code)) for code in detail.reason_codes],
        concluded=concluded_words,
    )


@router.get("/sources/{source_id}")
def source_page(
    request: Request,
    principal: User,
    source_id: Annotated[str, Path(max_length=80, pattern=r"^[a-z0-9_]+$")],
) -> Response:
    """Where a source of the trace is: the claim, and the passage's document and lines."""
    _coach(principal)
    kb = web_state(request).evaluator.kb
    record = kb.facts.get(source_id)
    default = kb.defaults.get(source_id)
    if record is None and default is None:
        raise access.NotFound(f"no source {source_id!r}")
    return render(
        request, "source.html", principal, source_id=source_id, record=record, default=default
    )


@router.get("/recommendations/{recommendation_id}")
def recommendation_page(
    request: Request, principal: User, recommendation_id: RecommendationId
) -> Response:
    _coach(principal)
    return _detail_page(request, principal, recommendation_id)


def _back(recommendation_id: RecommendationId) -> Response:
    return RedirectResponse(f"/recommendations/{recommendation_id}#decisions", status_code=303)


@router.post("/recommendations/{recommendation_id}/approve")
def approve_form(
    request: Request,
    principal: User,
    recommendation_id: RecommendationId,
    csrf: Annotated[str, Form()] = "",
    note: Note = "",
    force: Annotated[bool, Form()] = False,
) -> Response:
    check_form_csrf(principal, csrf)
    access.approve_as(web_state(request).store, principal, recommendation_id, note or None, force)
    return _back(recommendation_id)


@router.post("/recommendations/{recommendation_id}/reject")
def reject_form(
    request: Request,
    principal: User,
    recommendation_id: RecommendationId,
    reason_code: Annotated[str, Form(max_length=40)],
    csrf: Annotated[str, Form()] = "",
    note: Note = "",
    force: Annotated[bool, Form()] = False,
) -> Response:
    check_form_csrf(principal, csrf)
    access.reject_as(
        web_state(request).store, principal, recommendation_id, reason_code, note or None, force
    )
    return _back(recommendation_id)


@router.post("/recommendations/{recommendation_id}/amend")
def amend_form(
    request: Request,
    principal: User,
    recommendation_id: RecommendationId,
    csrf: Annotated[str, Form()] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
    intensity: Annotated[str, Form(max_length=16)] = "",
    drop: Annotated[list[str] | None, Form()] = None,
    swap: Annotated[str, Form(max_length=2000)] = "",
    dose: Annotated[str, Form(max_length=2000)] = "",
    swap_from: Choices = None,
    swap_to: Choices = None,
    dose_id: Choices = None,
    dose_sets: Choices = None,
    dose_reps: Choices = None,
    dose_kg: Choices = None,
    note: Note = "",
    force: Annotated[bool, Form()] = False,
) -> Response:
    check_form_csrf(principal, csrf)
    state = web_state(request)
    chosen_swap, chosen_dose = chosen_changes(
        swap_from or [],
        swap_to or [],
        dose_id or [],
        dose_sets or [],
        dose_reps or [],
        dose_kg or [],
    )
    try:
        amendment = amendment_from_form(
            kind,
            intensity,
            drop or [],
            "\n".join(part for part in (swap, chosen_swap) if part),
            "\n".join(part for part in (dose, chosen_dose) if part),
        )
        access.amend_as(
            state.store,
            state.evaluator,
            principal,
            recommendation_id,
            amendment,
            note or None,
            force,
        )
    except InputError as error:
        return _detail_page(request, principal, recommendation_id, error)
    return _back(recommendation_id)


@router.get("/athletes/{athlete_id}")
def athlete_page(
    request: Request,
    principal: User,
    athlete_id: AthleteIdPath,
    weeks: Annotated[int | None, Query(ge=1, le=52)] = None,
) -> Response:
    state = web_state(request)
    today = access.today_of(state.store, principal, athlete_id)
    history = access.visible_history(
        state.store,
        state.evaluator,
        principal,
        athlete_id,
        today,
        weeks or state.settings.history_weeks,
    )
    card = access.visible_today(state.store, principal, athlete_id, today)
    week = access.visible_week(state.store, state.evaluator, principal, athlete_id, today)
    words = card_words(state.evaluator.kb, state.evaluator.ruleset)
    return render(
        request,
        "athlete.html",
        principal,
        history=history,
        card=card,
        athlete_card=today_athlete_card(state.store, athlete_id, today, words),
        week=athlete_week(week, words) if week else None,
        no_runs=NO_RUNS,
        kb_name=words.namer.name,
        readiness_svg=readiness_chart(history.days),
        weeks_svg=week_chart(history.weeks),
    )
