"""SQLite under contention: when the lock wait runs out ("database is locked"), the answer is
503 with Retry-After (nothing was written; retry as is), never a bare 500."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from engine.evaluation.evaluators import get_evaluator
from engine.storage import db
from engine.storage.store import Store
from engine.web.app import create_app
from engine.web.state import WebSettings
from tests.web.conftest import World, bearer


def test_a_locked_database_answers_503_with_retry_after(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)  # give up at once, not after 15 s
    store = Store.open(world.url)
    client = TestClient(create_app(store, get_evaluator(), WebSettings(busy_retry_after_s=3)))
    body = {
        "checkin": {
            "date": world.today.isoformat(),
            "recovery_pct": 80,
            "slept_well": True,
            "soreness": 2,
            "life_stress": 2,
        },
        "replace": True,
    }
    before = store.get_checkin("ben", world.today)
    holder = sqlite3.connect(world.url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        response = client.post(
            "/api/athletes/ben/checkins", json=body, headers=bearer(world, "ben-user")
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "3"
    assert response.json() == {"detail": "the database is busy; try again"}
    assert store.get_checkin("ben", world.today) == before
    again = client.post("/api/athletes/ben/checkins", json=body, headers=bearer(world, "ben-user"))
    assert again.status_code == 201
