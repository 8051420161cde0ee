"""Logging in and out. The login form has its own CSRF token (a double-submit cookie), since
there is no session yet to hold one."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from engine.app.accounts import AccessDenied, Principal, log_in, log_out
from engine.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    authenticate,
    check_form_csrf,
    is_https,
    page_user,
)
from engine.web.state import web_state
from engine.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect to another host)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(
    request: Request, next_url: str, error: str | None, status: int, notice: str | None = None
) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        None,
        status,
        next_url=next_url,
        login_csrf=token,
        error=error,
        notice=notice,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
        path="/login",
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None, changed: str | None = None) -> Response:
    if authenticate(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    notice = "Password changed. Log in with the new one." if changed else None
    return _login_page(request, _safe_next(next), None, 200, notice)


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not (expected and secrets.compare_digest(expected, csrf)):
        return _login_page(request, _safe_next(next), "The form expired; please try again.", 403)
    state = web_state(request)
    client = request.client.host if request.client else "unknown"
    try:
        session = log_in(
            state.store,
            name,
            password,
            client,
            state.throttle,
            state.settings.access,
            state.gate,
        )
    except AccessDenied as error:
        return _login_page(request, _safe_next(next), str(error).capitalize() + ".", 401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=session.max_age_s,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request,
    principal: Annotated[Principal, Depends(page_user)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_form_csrf(principal, csrf)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        log_out(web_state(request).store, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(principal: Annotated[Principal, Depends(page_user)]) -> Response:
    return RedirectResponse("/review" if principal.is_coach else "/today", status_code=303)
