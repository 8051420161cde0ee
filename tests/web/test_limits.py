"""Limits before parsing: the body size limit (413 before authentication, without reading the
body into memory), the API's field caps (the same as the forms'), and paged lists."""

from __future__ import annotations

import asyncio
import datetime as dt
import tracemalloc
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.evaluation.evaluators import get_evaluator
from engine.web.app import create_app
from engine.web.limits import (
    MAX_NOTE_CHARS,
    MAX_PAIN_DURING_CHARS,
    MAX_PAIN_REPORTS,
    MAX_UPCOMING_RUNS,
)
from engine.web.state import WebSettings
from tests.web.conftest import World, bearer, log_in

TWENTY_MB = 20 * 1024 * 1024
CHUNK = b"x" * (64 * 1024)


def _call(app: Any, headers: list[tuple[bytes, bytes]], body_chunks: int) -> tuple[int, int]:
    """One POST /api/athletes/ana/checkins through the ASGI app, the body sent chunk by chunk
    (the same 64 KB object each time, so the sender itself holds nothing); returns the status
    and how many chunks the app read."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/athletes/ana/checkins",
        "raw_path": b"/api/athletes/ana/checkins",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    read = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        more = read < body_chunks
        return {"type": "http.request", "body": CHUNK, "more_body": more}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    asyncio.run(app(scope, receive, send))
    return status, read


def test_a_20_mb_body_with_its_length_is_refused_before_anything_is_read(world: World):
    app = create_app(world.store, get_evaluator())
    status, read = _call(app, [(b"content-length", str(TWENTY_MB).encode())], TWENTY_MB // 65536)
    assert status == 413
    assert read == 0  # neither authentication nor parsing ran: not one byte was read


def test_a_20_mb_chunked_anonymous_body_gets_413_without_growing_memory(world: World):
    """No Content-Length (chunked): the limit counts what arrives and stops at the limit, so
    the memory the request costs stays near the limit, not near 20 MB."""
    settings = WebSettings()
    app = create_app(world.store, get_evaluator(), settings)
    tracemalloc.start()
    try:
        status, read = _call(app, [(b"transfer-encoding", b"chunked")], TWENTY_MB // len(CHUNK))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 413
    assert read * len(CHUNK) <= settings.max_body_bytes + len(CHUNK)
    assert peak < 4 * settings.max_body_bytes, f"peak {peak} bytes"


def test_a_body_under_the_limit_still_reaches_authentication(client: TestClient):
    response = client.post("/api/athletes/ana/checkins", content=b"{}" + b" " * 1000)
    assert response.status_code == 401


def test_the_413_is_json_for_the_api_and_a_page_otherwise(client: TestClient):
    big = b"x" * (WebSettings().max_body_bytes + 1)
    api = client.post("/api/athletes/ana/checkins", content=big)
    assert api.status_code == 413
    assert "request body is over" in api.json()["detail"]
    page = client.post("/login", content=big)
    assert page.status_code == 413


def _checkin(world: World, **changes: Any) -> dict[str, Any]:
    checkin = {
        "date": world.today.isoformat(),
        "recovery_pct": 80,
        "slept_well": True,
        "soreness": 2,
        "life_stress": 2,
    }
    checkin.update(changes)
    return {"checkin": checkin, "replace": True}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"note": "n" * (MAX_NOTE_CHARS + 1)}, ["body", "checkin", "note"]),
        (
            {"pain": [{"area": "knee", "severity": 2}] * (MAX_PAIN_REPORTS + 1)},
            ["body", "checkin", "pain"],
        ),
        (
            {
                "pain": [
                    {"area": "knee", "severity": 2, "during": "d" * (MAX_PAIN_DURING_CHARS + 1)}
                ]
            },
            ["body", "checkin", "pain", 0, "during"],
        ),
    ],
)
def test_the_api_caps_check_in_fields_as_the_form_does(
    client: TestClient, world: World, changes: dict[str, Any], field: list[Any]
):
    response = client.post(
        "/api/athletes/ana/checkins",
        json=_checkin(world, **changes),
        headers=bearer(world, "ana-user"),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == field
    assert len(world.store.checkins("ana")) == 1  # nothing written


def test_the_api_caps_upcoming_runs(client: TestClient, world: World):
    runs = [{"date": (world.today + dt.timedelta(days=1)).isoformat(), "kind": "easy_run"}]
    body = {**_checkin(world), "upcoming": runs * (MAX_UPCOMING_RUNS + 1)}
    response = client.post(
        "/api/athletes/ana/checkins", json=body, headers=bearer(world, "ana-user")
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "upcoming"]


def test_the_form_refuses_the_same_note_as_the_api(client: TestClient, world: World):
    csrf = log_in(client, "ana-user")
    form = {
        "csrf": csrf,
        "recovery_pct": "80",
        "slept_well": "yes",
        "soreness": "2",
        "life_stress": "2",
        "replace": "true",
    }
    too_long = client.post("/checkin", data={**form, "note": "n" * (MAX_NOTE_CHARS + 1)})
    assert too_long.status_code == 422
    at_the_cap = client.post("/checkin", data={**form, "note": "n" * MAX_NOTE_CHARS})
    assert at_the_cap.status_code == 303, at_the_cap.text


def test_check_ins_are_paged(world: World):
    evaluator = get_evaluator()
    from engine.app.checkin import check_in
    from tests.web.conftest import checkin

    for days in range(1, 6):
        day = world.today - dt.timedelta(days=days)
        check_in(world.store, evaluator, "ben", checkin(day), today=world.today)
    client = TestClient(
        create_app(world.store, evaluator, WebSettings(page_size=2, max_page_size=3))
    )
    headers = bearer(world, "ben-user")
    url = "/api/athletes/ben/checkins"
    first = [c["date"] for c in client.get(url, headers=headers).json()]
    assert len(first) == 2
    rest = [c["date"] for c in client.get(url + "?limit=3&offset=2", headers=headers).json()]
    everything = [c.date.isoformat() for c in world.store.checkins("ben")]
    assert first + rest == everything[:5]
    too_many = client.get(url + "?limit=4", headers=headers)
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["loc"] == ["body", "limit"]


def test_the_review_queue_is_paged(client: TestClient, world: World):
    headers = bearer(world, "sam")
    everything = client.get("/api/recommendations?status=all", headers=headers).json()
    page = client.get("/api/recommendations?status=all&limit=1&offset=0", headers=headers).json()
    assert page == everything[:1]
    assert client.get("/api/recommendations?status=all&offset=5", headers=headers).json() == []
