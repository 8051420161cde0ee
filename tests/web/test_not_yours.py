"""One answer for "not yours" and "not there": another coach's recommendation or athlete gets
the same status and the same words as one that does not exist, on every page and endpoint."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import World, bearer, log_in

MISSING_REC = 999_999


def _detail(response) -> str:  # type: ignore[no-untyped-def]
    if response.headers["content-type"].startswith("application/json"):
        return str(response.json()["detail"])
    return response.text.split('<p class="problem">', 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/recommendations/{id}", None),
        ("post", "/api/recommendations/{id}/approve", {}),
        ("post", "/api/recommendations/{id}/reject", {"reason_code": "other"}),
        ("post", "/api/recommendations/{id}/amend", {"intensity": "low"}),
        ("get", "/recommendations/{id}", None),
    ],
)
def test_another_coachs_recommendation_answers_as_a_missing_one(
    client: TestClient, world: World, method: str, path: str, body: object
):
    headers = bearer(world, "kim")
    if not path.startswith("/api"):
        log_in(client, "kim")
        headers = {}
    kwargs = {"json": body} if body is not None else {}
    theirs = getattr(client, method)(path.format(id=world.ana_rec), headers=headers, **kwargs)
    missing = getattr(client, method)(path.format(id=MISSING_REC), headers=headers, **kwargs)
    assert theirs.status_code == missing.status_code == 404
    assert _detail(theirs) == _detail(missing).replace(str(MISSING_REC), str(world.ana_rec))


@pytest.mark.parametrize(
    "path",
    [
        "/api/athletes/{a}/today",
        "/api/athletes/{a}/checkins",
        "/athletes/{a}",
        "/api/recommendations?athlete={a}",
    ],
)
def test_another_coachs_athlete_answers_as_a_missing_one(
    client: TestClient, world: World, path: str
):
    log_in(client, "kim")
    theirs = client.get(path.format(a="ana"))
    missing = client.get(path.format(a="nobody"))
    assert theirs.status_code == missing.status_code == 404
    assert _detail(theirs) == _detail(missing).replace("nobody", "ana")
