"""The phone's logging: "Done" logs the day's session as prescribed and unrated, then the
athlete adjusts each exercise (actual sets, reps or seconds, kg, a hard set, lost posture,
skipped). A second "Done" is not an error: the session is already logged, and the page says so."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from engine.app import access
from engine.app.accounts import Principal
from engine.app.done_view import logged_day
from engine.contract.errors import InputError, Problem
from engine.web.athlete_pages import own_athlete, today_response
from engine.web.auth import check_form_csrf, page_user
from engine.web.done_form import read_actuals
from engine.web.state import web_state

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(page_user)]
# Form values are short numbers and answers; anything longer is not from this form.
MAX_FIELD_CHARS = 16


@router.post("/done")
def done_submit(request: Request, principal: User, csrf: Annotated[str, Form()] = "") -> Response:
    check_form_csrf(principal, csrf)
    athlete_id = own_athlete(principal)
    state = web_state(request)
    day = access.today_of(state.store, principal, athlete_id)
    card = access.visible_today(state.store, principal, athlete_id, day)
    kind = card.recommendation.session.kind if card else None
    if kind and access.logged_today_as(state.store, principal, athlete_id, day, kind):
        return RedirectResponse("/today?logged=already", status_code=303)
    try:
        access.done_as_recommended_as(state.store, state.evaluator, principal, athlete_id, day)
    except InputError as error:
        # Two taps at once: the other one logged it.
        if kind and access.logged_today_as(state.store, principal, athlete_id, day, kind):
            return RedirectResponse("/today?logged=already", status_code=303)
        return today_response(request, principal, 422, error=error)
    return RedirectResponse("/today?logged=1", status_code=303)


@router.post("/done/adjust")
async def adjust_submit(request: Request, principal: User) -> Response:
    form = await request.form()
    values = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    check_form_csrf(principal, values.get("csrf", ""))
    too_long = sorted(key for key, value in values.items() if len(value) > MAX_FIELD_CHARS)
    if too_long:
        error = InputError([Problem("too long", field=key) for key in too_long if key != "csrf"])
        if error.problems:
            return today_response(request, principal, 422, error=error)
    athlete_id = own_athlete(principal)
    state = web_state(request)
    day = access.today_of(state.store, principal, athlete_id)
    card = access.visible_today(state.store, principal, athlete_id, day)
    if card is None:
        return RedirectResponse("/today", status_code=303)
    session = card.recommendation.session
    stored = access.logged_today_as(state.store, principal, athlete_id, day, session.kind)
    done = logged_day(session, stored)
    if done is None:
        error = InputError([Problem("nothing is logged today yet; tap Done first")])
        return today_response(request, principal, 422, error=error)
    try:
        actuals, skipped = read_actuals(values, done.rows)
        access.adjust_logged_as(
            state.store, state.evaluator, principal, athlete_id, day, actuals, skipped
        )
    except InputError as error:
        return today_response(request, principal, 422, error=error, form=values)
    return RedirectResponse("/today?logged=saved", status_code=303)
