"""The athlete's pages, phone-first: today's card and the check-in form (logging the
session is in ``done_pages``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from engine.app import access
from engine.app.accounts import Principal
from engine.app.athlete_card import AthleteCard, card_words
from engine.app.athlete_day import read_checkin
from engine.app.done_view import logged_day
from engine.app.today import today_athlete_card
from engine.contract.errors import InputError, Problem
from engine.contract.models import SESSION_KINDS, PainArea
from engine.web.auth import check_form_csrf, page_user
from engine.web.limits import MAX_NOTE_CHARS, MAX_PAIN_DURING_CHARS
from engine.web.state import web_state
from engine.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(page_user)]
PAIN_AREAS: tuple[str, ...] = PainArea.__args__  # type: ignore[attr-defined]


def own_athlete(principal: Principal) -> str:
    if principal.user.athlete_id is None:
        raise access.Forbidden("this page is an athlete's; coaches open /athletes/ID")
    return principal.user.athlete_id


@router.get("/today")
def today_page(request: Request, principal: User, logged: str | None = None) -> Response:
    return today_response(request, principal, logged=logged)


def today_response(
    request: Request,
    principal: Principal,
    status: int = 200,
    *,
    logged: str | None = None,
    error: InputError | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    """Today's page: the card, then the Done button, or once logged what was stored, for the
    athlete to adjust (``form``: the values they sent, shown back with an error)."""
    athlete_id = own_athlete(principal)
    store = web_state(request).store
    day = access.today_of(store, principal, athlete_id)
    card = access.visible_today(store, principal, athlete_id, day)
    done = None
    if card is not None:
        session = card.recommendation.session
        stored = access.logged_today_as(store, principal, athlete_id, day, session.kind)
        done = logged_day(session, stored)
    return render(
        request,
        "today.html",
        principal,
        status,
        card=card,
        athlete_card=_athlete_card(request, athlete_id, day),
        done=done,
        form=form,
        logged=logged,
        error=error,
    )


def _athlete_card(request: Request, athlete_id: str, day: dt.date) -> AthleteCard | None:
    """The day's card in plain words (after the caller checked the athlete is visible)."""
    state = web_state(request)
    words = card_words(state.evaluator.kb, state.evaluator.ruleset)
    return today_athlete_card(state.store, athlete_id, day, words)


def _checkin_form(
    request: Request,
    principal: Principal,
    values: dict[str, Any],
    error: InputError | None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "checkin.html",
        principal,
        status,
        values=values,
        error=error,
        kinds=SESSION_KINDS,
        pain_areas=PAIN_AREAS,
        today=access.today_of(web_state(request).store, principal, own_athlete(principal)),
    )


@router.get("/checkin")
def checkin_page(request: Request, principal: User) -> Response:
    own_athlete(principal)
    return _checkin_form(request, principal, {}, None)


@router.post("/checkin")
def checkin_submit(
    request: Request,
    principal: User,
    csrf: Annotated[str, Form()] = "",
    recovery_pct: Annotated[str, Form(max_length=8)] = "",
    slept_well: Annotated[str, Form(max_length=8)] = "",
    soreness: Annotated[str, Form(max_length=8)] = "",
    life_stress: Annotated[str, Form(max_length=8)] = "",
    planned: Annotated[str, Form(max_length=32)] = "",
    pain_area: Annotated[str, Form(max_length=32)] = "",
    pain_severity: Annotated[str, Form(max_length=8)] = "",
    pain_during: Annotated[str, Form(max_length=MAX_PAIN_DURING_CHARS)] = "",
    note: Annotated[str, Form(max_length=MAX_NOTE_CHARS)] = "",
    replace: Annotated[bool, Form()] = False,
) -> Response:
    check_form_csrf(principal, csrf)
    athlete_id = own_athlete(principal)
    state = web_state(request)
    today = access.today_of(state.store, principal, athlete_id)
    values: dict[str, Any] = {
        "date": today.isoformat(),
        "recovery_pct": recovery_pct,
        "slept_well": slept_well,
        "soreness": soreness,
        "life_stress": life_stress,
        "planned": planned,
        "note": note,
    }
    if pain_area:
        pain = {"area": pain_area, "severity": pain_severity, "during": pain_during or None}
        values["pain"] = [{k: v for k, v in pain.items() if v is not None}]
    shown = {
        **values,
        "pain_area": pain_area,
        "pain_severity": pain_severity,
        "pain_during": pain_during,
        "replace": replace,
    }
    try:
        checkin = read_checkin(values)
        access.check_in_as(
            state.store, state.evaluator, principal, athlete_id, checkin, [], replace
        )
    except InputError as error:
        return _checkin_form(request, principal, shown, error, 422)
    except access.AlreadyExists as error:
        problem = InputError([Problem(str(error), field="replace")])
        return _checkin_form(request, principal, shown, problem, 409)
    return RedirectResponse("/today", status_code=303)
