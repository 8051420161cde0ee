"""What the app holds for the life of the process: the store, the evaluator, the settings, the
login throttle (its state is in the database) and the gate on password hashing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from fastapi import Request

from engine.app.accounts import AccessSettings
from engine.app.passwords import HashGate
from engine.app.throttle import LoginThrottle
from engine.core.evaluator import Evaluator

if TYPE_CHECKING:  # the handle only; the web app reads and writes through engine.app
    from engine.app.database import Store


@dataclass(frozen=True)
class WebSettings:
    """Defaults (ours) of ``runstrong serve``."""

    access: AccessSettings = field(default_factory=AccessSettings)
    # Secure cookies: "auto" when the request came over HTTPS (or X-Forwarded-Proto says so
    # and trust_forwarded is on), "always", or "never".
    secure_cookies: Literal["auto", "always", "never"] = "auto"
    trust_forwarded: bool = True
    # How many ISO weeks the athlete page charts.
    history_weeks: int = 4
    # The largest request body, refused with 413 before authentication or parsing. The
    # largest real one (an amendment with a whole session) is a few KB.
    max_body_bytes: int = 1024 * 1024
    # Strict-Transport-Security max-age over HTTPS: one year, as browsers' preload lists ask.
    hsts_max_age_s: int = 365 * 24 * 3600
    # Retry-After (s) when the database is busy (SQLite's lock wait ran out).
    busy_retry_after_s: int = 2
    # Paged lists in the API: the page size when none is asked for, and the largest allowed.
    page_size: int = 100
    max_page_size: int = 500


@dataclass
class WebState:
    store: Store
    evaluator: Evaluator
    settings: WebSettings
    throttle: LoginThrottle
    gate: HashGate


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.runstrong
    return state
