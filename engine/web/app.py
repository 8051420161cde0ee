"""The web app factory: pages, the JSON API, static assets, and how errors become responses."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from engine import __version__
from engine.app.access import Forbidden, NotFound, StoreError
from engine.app.errors import DatabaseError, is_contention
from engine.app.passwords import HashGate, HashingBusy
from engine.app.throttle import LoginThrottle
from engine.contract.errors import InputError
from engine.core.evaluator import Evaluator
from engine.web import account_pages, api, athlete_pages, coach_pages, done_pages, login_pages
from engine.web.auth import LoginRequired, scope_is_https
from engine.web.middleware import BodyLimit, SecurityHeaders
from engine.web.state import WebSettings, WebState
from engine.web.templating import render_error

if TYPE_CHECKING:  # the handle only; the web app reads and writes through engine.app
    from engine.app.database import Store

STATIC = Path(__file__).resolve().parent / "static"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _problems(error: InputError) -> list[dict[str, object]]:
    """An InputError in the shape FastAPI gives its own validation errors (one schema)."""
    return [
        {
            "loc": ["body", *(problem.field or "").split(".")],
            "msg": str(problem),
            "type": "value_error",
        }
        for problem in error.problems
    ]


def _error(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    response = render_error(request, status, message)
    response.headers.update(headers or {})
    return response


def create_app(store: Store, evaluator: Evaluator, settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    app = FastAPI(
        title="runstrong",
        version=__version__,
        description="The coach's review and the athlete's daily check-in.",
        docs_url=None,  # the interactive docs load scripts from the internet
        redoc_url=None,
        openapi_url=None,  # served by engine.web.api, behind a login
    )
    access = settings.access
    gate = HashGate(
        access.max_concurrent_hashes, access.max_queued_hashes, access.hashing_retry_after_s
    )
    throttle = LoginThrottle(store, access)
    app.state.runstrong = WebState(store, evaluator, settings, throttle, gate)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(login_pages.router)
    app.include_router(account_pages.router)
    app.include_router(coach_pages.router)
    app.include_router(athlete_pages.router)
    app.include_router(done_pages.router)
    app.include_router(api.router)
    app.include_router(api.schema_router)
    # Last added runs first: the headers wrap every answer, the 413 included.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        SecurityHeaders,
        hsts_max_age_s=settings.hsts_max_age_s,
        is_https=partial(scope_is_https, settings=settings),
    )

    @app.exception_handler(HashingBusy)
    async def _hashing_busy(request: Request, error: HashingBusy) -> Response:
        return _error(request, 503, str(error), {"Retry-After": str(error.retry_after_s)})

    @app.exception_handler(DatabaseError)
    async def _contention(request: Request, error: DatabaseError) -> Response:
        # SQLite's lock wait ran out (or PostgreSQL gave up a lock): nothing was written, so
        # the client may simply retry. Any other database error is a bug: a 500.
        if is_contention(error):
            retry = str(settings.busy_retry_after_s)
            return _error(request, 503, "the database is busy; try again", {"Retry-After": retry})
        raise error

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, error: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={error.next_url}", status_code=303)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, error: NotFound) -> Response:
        return _error(request, 404, str(error))

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, error: Forbidden) -> Response:
        return _error(request, 403, str(error))

    @app.exception_handler(StoreError)
    async def _conflict(request: Request, error: StoreError) -> Response:
        # Already decided, already checked in, superseded: the current state forbids it.
        return _error(request, 409, str(error))

    @app.exception_handler(InputError)
    async def _input(request: Request, error: InputError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": _problems(error)}, status_code=422)
        return render_error(request, 422, str(error))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": error.detail}, status_code=error.status_code, headers=error.headers
            )
        return render_error(request, error.status_code, str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse(
                {
                    "detail": [
                        {k: v for k, v in e.items() if k in ("loc", "msg", "type")}
                        for e in error.errors()
                    ]
                },
                status_code=422,
            )
        return render_error(request, 422, "; ".join(e["msg"] for e in error.errors()))

    return app
