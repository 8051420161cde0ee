"""The app of one ``runstrong serve --workers N`` process, built from the environment.

uvicorn starts each worker in a fresh process and asks for the app by import string, so the
parent hands down what it parsed (database URL, rules directory, cookie setting) in one
environment variable. The workers share nothing but the database: sessions, tokens and the
login throttle all live there, so any worker can answer any request.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from fastapi import FastAPI

ENVIRONMENT_KEY = "RUNSTRONG_SERVE_CONFIG"


@dataclass(frozen=True)
class ServeConfig:
    db_url: str | None
    rules_dir: str | None
    secure_cookies: Literal["auto", "always", "never"]

    def to_environment(self) -> None:
        os.environ[ENVIRONMENT_KEY] = json.dumps(asdict(self))

    @classmethod
    def from_environment(cls) -> ServeConfig:
        return cls(**json.loads(os.environ[ENVIRONMENT_KEY]))


def build(config: ServeConfig) -> FastAPI:
    from engine.app.database import open_store
    from engine.evaluation.evaluators import get_evaluator
    from engine.web.app import create_app
    from engine.web.state import WebSettings

    store = open_store(config.db_url)
    evaluator = get_evaluator(Path(config.rules_dir) if config.rules_dir else None)
    return create_app(store, evaluator, WebSettings(secure_cookies=config.secure_cookies))


def app_from_environment() -> FastAPI:
    """uvicorn's factory (``engine.web.factory:app_from_environment``) in each worker."""
    return build(ServeConfig.from_environment())
