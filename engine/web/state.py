"""What the app holds for the life of the process: the store, the evaluator, the settings,
and the login throttle."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from fastapi import Request

from engine.app.accounts import AccessSettings, LoginThrottle
from engine.core.evaluator import Evaluator

if TYPE_CHECKING:  # the handle only; the web app reads and writes through engine.app
    from engine.storage.store import Store


@dataclass(frozen=True)
class WebSettings:
    access: AccessSettings = field(default_factory=AccessSettings)
    # Secure cookies: "auto" when the request came over HTTPS (or X-Forwarded-Proto says so
    # and trust_forwarded is on), "always", or "never".
    secure_cookies: Literal["auto", "always", "never"] = "auto"
    trust_forwarded: bool = True
    # How many ISO weeks the athlete page charts.
    history_weeks: int = 4


@dataclass
class WebState:
    store: Store
    evaluator: Evaluator
    settings: WebSettings
    throttle: LoginThrottle


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.runstrong
    return state
