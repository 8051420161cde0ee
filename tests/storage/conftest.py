"""Storage fixtures: a fresh database per test on each backend, and documents to store.

``db_url`` runs a test on SQLite (a new file under tmp_path, always) and on PostgreSQL (a new,
empty database on the server named by ``RUNSTRONG_TEST_PG_URL``; skipped when it is unset).
.ci/run starts a throwaway PostgreSQL and sets the variable, so CI runs both.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from engine.contract.models import AthleteProfile, CheckIn, PlannedRun
from engine.storage.store import Store

PG_ENV = "RUNSTRONG_TEST_PG_URL"
TABLES = ("athletes", "ladder_positions", "checkins", "session_logs", "recommendations")


def _server_url(raw: str) -> Any:
    """The server URL as psycopg takes it (plain postgresql://, whatever driver was named)."""
    return make_url(raw).set(drivername="postgresql")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        # A directory that does not exist yet: opening the database creates it.
        yield f"sqlite:///{tmp_path / 'data' / 'runstrong.db'}"
        return
    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.skip(f"{PG_ENV} is not set (.ci/run sets it)")
    import psycopg

    server = _server_url(raw)
    name = f"runstrong_test_{uuid.uuid4().hex}"
    maintenance = server.render_as_string(hide_password=False)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def backend(db_url: str) -> str:
    return make_url(db_url).get_backend_name()


@pytest.fixture
def open_store(db_url: str) -> Iterator[Callable[[], Store]]:
    """Open the test database as the application does (migrating it on first use)."""
    stores: list[Store] = []

    def opener() -> Store:
        store = Store.open(db_url, create=True)
        stores.append(store)
        return store

    yield opener
    for store in stores:
        store.engine.dispose()


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in TABLES
        }


@pytest.fixture
def profile(base_request_data: dict[str, Any]) -> Callable[..., AthleteProfile]:
    """An athlete profile: the base request's athlete with another id and changes."""

    def build(athlete_id: str = "ana", **changes: Any) -> AthleteProfile:
        data = copy.deepcopy(base_request_data["athlete"])
        data.update(id=athlete_id, **changes)
        return AthleteProfile.model_validate(data)

    return build


@pytest.fixture
def checkin(base_request_data: dict[str, Any]) -> Callable[..., CheckIn]:
    """The base request's check-in, on another day and with changes."""

    def build(day: dt.date | None = None, **changes: Any) -> CheckIn:
        data = copy.deepcopy(base_request_data["checkin"])
        data.update(changes)
        if day is not None:
            data["date"] = day
        return CheckIn.model_validate(data)

    return build


@pytest.fixture
def upcoming(base_request_data: dict[str, Any]) -> list[PlannedRun]:
    return [PlannedRun.model_validate(run) for run in base_request_data["upcoming"]]
