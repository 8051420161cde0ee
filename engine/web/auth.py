"""Who is asking: the session cookie or ``Authorization: Bearer TOKEN``, and CSRF checks.

Pages without credentials redirect to the login page; the API answers 401. A cookie-
authenticated write must carry the session's CSRF token (a form field, or the
``X-CSRF-Token`` header for the API); a bearer token is not sent by browsers on their own, so
it needs none.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import HTTPException, Request
from starlette.types import Scope

from engine.app.accounts import Principal, csrf_matches, principal_for_session, principal_for_token
from engine.web.state import WebSettings, web_state

SESSION_COOKIE = "runstrong_session"
LOGIN_CSRF_COOKIE = "runstrong_login_csrf"
CSRF_HEADER = "X-CSRF-Token"


class LoginRequired(Exception):
    """A page was asked for without credentials; the handler redirects to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def authenticate(request: Request) -> Principal | None:
    state = web_state(request)
    store = state.store
    token = _bearer(request)
    principal = None
    if token is not None:
        principal = principal_for_token(store, token, state.settings.access)
    elif cookie := request.cookies.get(SESSION_COOKIE):
        principal = principal_for_session(store, cookie)
    request.state.principal = principal  # for the error pages' header
    return principal


def page_user(request: Request) -> Principal:
    """Dependency of every page: the principal, or a redirect to the login page."""
    principal = authenticate(request)
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(quote(target, safe="/"))
    return principal


def api_user(request: Request) -> Principal:
    """Dependency of every API call: the principal, or 401."""
    principal = authenticate(request)
    if principal is None:
        raise HTTPException(401, "authentication required", headers={"WWW-Authenticate": "Bearer"})
    # Authenticated by the session cookie: a write needs the CSRF header as well.
    writes = request.method not in ("GET", "HEAD", "OPTIONS")
    by_cookie = principal.csrf_token is not None
    if writes and by_cookie and not csrf_matches(principal, request.headers.get(CSRF_HEADER)):
        raise HTTPException(403, f"missing or wrong {CSRF_HEADER} header")
    return principal


def check_form_csrf(principal: Principal, given: str | None) -> None:
    if principal.csrf_token is None:
        return  # a bearer token: no ambient credential to forge
    if not csrf_matches(principal, given):
        raise HTTPException(403, "the form is out of date or was not sent by this site; reload it")


def require_coach(principal: Principal) -> None:
    if not principal.is_coach:
        raise HTTPException(403, "only a coach can do this")


def scope_is_https(scope: Scope, settings: WebSettings) -> bool:
    """Whether the request came over HTTPS (as ``secure_cookies`` and a trusted
    ``X-Forwarded-Proto`` say): decides Secure cookies and HSTS."""
    if settings.secure_cookies == "always":
        return True
    if settings.secure_cookies == "never":
        return False
    headers = dict(scope.get("headers", []))
    forwarded = headers.get(b"x-forwarded-proto", b"").decode("latin-1")
    forwarded = forwarded if settings.trust_forwarded else ""
    return scope.get("scheme") == "https" or forwarded.split(",")[0].strip() == "https"


def is_https(request: Request) -> bool:
    return scope_is_https(request.scope, web_state(request).settings)
