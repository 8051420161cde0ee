"""The logged-in user's own account: changing their password. A change ends every login
session and revokes every API token of the user (this browser's too), so a stolen session
or token stops working the moment the password is changed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from engine.app.account_admin import change_own_password
from engine.app.accounts import Principal
from engine.contract.errors import InputError, Problem
from engine.web.auth import SESSION_COOKIE, check_form_csrf, page_user
from engine.web.state import web_state
from engine.web.templating import render

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(page_user)]
# The same bound as the login form's password field.
Password = Annotated[str, Form(max_length=1024)]


def _page(
    request: Request, principal: Principal, error: InputError | None, status: int = 200
) -> Response:
    min_length = web_state(request).settings.access.min_password_length
    return render(request, "password.html", principal, status, error=error, min_length=min_length)


@router.get("/account/password")
def password_page(request: Request, principal: User) -> Response:
    return _page(request, principal, None)


@router.post("/account/password")
def password_submit(
    request: Request,
    principal: User,
    current: Password,
    new: Password,
    confirm: Password,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_form_csrf(principal, csrf)
    state = web_state(request)
    try:
        if new != confirm:
            raise InputError([Problem("the two new passwords differ", field="confirm")])
        change_own_password(state.store, principal, current, new, state.settings.access, state.gate)
    except InputError as error:
        return _page(request, principal, error, 422)
    response = RedirectResponse("/login?changed=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
