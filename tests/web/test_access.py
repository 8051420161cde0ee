"""Who may read and do what, for every page and endpoint: nothing without credentials,
nothing of another coach's athlete or another athlete, no decisions by athletes, and no
cookie-authenticated write without the CSRF token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from engine.storage.reviews import ReviewStore
from tests.web.conftest import World, bearer, csrf_of, log_in

PAGES = ["/", "/review", "/recommendations/{ana_rec}", "/athletes/ana", "/today", "/checkin"]
API_GETS = [
    "/api/me",
    "/api/recommendations",
    "/api/recommendations/{ana_rec}",
    "/api/athletes/ana/checkins",
    "/api/athletes/ana/today",
]
API_POSTS = [
    ("/api/recommendations/{ana_rec}/approve", {}),
    ("/api/recommendations/{ana_rec}/reject", {"reason_code": "other"}),
    ("/api/recommendations/{ana_rec}/amend", {"intensity": "low"}),
    (
        "/api/athletes/ana/checkins",
        {
            "checkin": {
                "date": "2026-01-01",
                "recovery_pct": 80,
                "slept_well": True,
                "soreness": 1,
                "life_stress": 1,
            }
        },
    ),
    ("/api/athletes/ana/done", {}),
]
FORM_POSTS = [
    ("/recommendations/{ana_rec}/approve", {}),
    ("/recommendations/{ana_rec}/reject", {"reason_code": "other"}),
    ("/recommendations/{ana_rec}/amend", {"intensity": "low"}),
    ("/checkin", {"recovery_pct": "80"}),
    ("/done", {}),
    ("/logout", {}),
]


def _url(template: str, world: World) -> str:
    return template.format(ana_rec=world.ana_rec, ben_rec=world.ben_rec)


def _untouched(world: World) -> None:
    assert world.store.get_recommendation(world.ana_rec).status == "pending"
    assert ReviewStore(world.store).events(world.ana_rec) == []


@pytest.mark.parametrize("page", PAGES)
def test_pages_without_credentials_redirect_to_login(client: TestClient, world: World, page):
    response = client.get(_url(page, world))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", API_GETS)
def test_api_without_credentials_is_401(client: TestClient, world: World, path):
    response = client.get(_url(path, world))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "ana" not in response.text


@pytest.mark.parametrize(("path", "body"), API_POSTS)
def test_api_writes_without_credentials_are_401(client: TestClient, world: World, path, body):
    assert client.post(_url(path, world), json=body).status_code == 401
    _untouched(world)


@pytest.mark.parametrize(("path", "body"), FORM_POSTS)
def test_forms_without_credentials_redirect(client: TestClient, world: World, path, body):
    response = client.post(_url(path, world), data=body)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    _untouched(world)


def test_a_wrong_token_is_401(client: TestClient):
    response = client.get("/api/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401


def test_a_forged_session_cookie_is_not_a_login(client: TestClient):
    client.cookies.set("runstrong_session", "forged")
    assert client.get("/api/me").status_code == 401
    assert client.get("/review").status_code == 303


# --- another coach's athlete -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/recommendations/{ben_rec}",
        "/athletes/ben",
        "/review?athlete=ben",
    ],
)
def test_another_coachs_athlete_pages_are_404(client: TestClient, world: World, path):
    log_in(client, "sam")
    response = client.get(_url(path, world))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/recommendations/{ben_rec}",
        "/api/recommendations?athlete=ben",
        "/api/athletes/ben/checkins",
        "/api/athletes/ben/today",
        "/api/athletes/cleo/today",  # nobody's: no coach sees it
    ],
)
def test_another_coachs_athlete_api_is_404(client: TestClient, world: World, path):
    response = client.get(_url(path, world), headers=bearer(world, "sam"))
    assert response.status_code == 404
    assert "recovery_pct" not in response.text


def test_a_coachs_queue_lists_only_their_athletes(client: TestClient, world: World):
    items = client.get("/api/recommendations", headers=bearer(world, "sam")).json()
    assert {item["athlete"] for item in items} == {"ana"}
    items = client.get("/api/recommendations", headers=bearer(world, "kim")).json()
    assert {item["athlete"] for item in items} == {"ben"}
    log_in(client, "sam")
    page = client.get("/review?status=all").text
    assert f"/recommendations/{world.ana_rec}" in page
    assert f"/recommendations/{world.ben_rec}" not in page


@pytest.mark.parametrize(
    ("action", "body"),
    [("approve", {}), ("reject", {"reason_code": "other"}), ("amend", {"intensity": "low"})],
)
def test_a_coach_cannot_decide_another_coachs_athlete(
    client: TestClient, world: World, action, body
):
    path = f"/api/recommendations/{world.ben_rec}/{action}"
    assert client.post(path, json=body, headers=bearer(world, "sam")).status_code == 404
    csrf = log_in(client, "sam")
    form = client.post(f"/recommendations/{world.ben_rec}/{action}", data={**body, "csrf": csrf})
    assert form.status_code == 404
    assert world.store.get_recommendation(world.ben_rec).status == "pending"
    assert ReviewStore(world.store).events(world.ben_rec) == []


def test_a_coach_cannot_check_in_for_another_coachs_athlete(client: TestClient, world: World):
    body = API_POSTS[3][1]
    response = client.post("/api/athletes/ben/checkins", json=body, headers=bearer(world, "sam"))
    assert response.status_code == 404
    done = client.post("/api/athletes/ben/done", headers=bearer(world, "sam"))
    assert done.status_code == 404
    assert world.store.sessions("ben") == []


# --- athletes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/athletes/ben/checkins",
        "/api/athletes/ben/today",
    ],
)
def test_an_athlete_cannot_read_another_athlete(client: TestClient, world: World, path):
    assert client.get(_url(path, world), headers=bearer(world, "ana-user")).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/recommendations?status=all",
        "/api/recommendations?athlete=ben",
        "/api/recommendations/{ben_rec}",
        "/api/recommendations/{ana_rec}",
        "/api/recommendations/999999",
    ],
)
def test_the_review_api_is_the_coaches_as_the_review_pages_are(
    client: TestClient, world: World, path: str
):
    """An athlete's pages show their session, never the review with its trace and the coach's
    audit trail; the API shows them no more, and answers alike for their own, another's and
    a missing recommendation."""
    response = client.get(_url(path, world), headers=bearer(world, "ben-user"))
    assert response.status_code == 403
    assert response.json() == {"detail": "the review is for coaches; your day is at /today"}


def test_an_athlete_cannot_write_for_another_athlete(client: TestClient, world: World):
    body = API_POSTS[3][1]
    headers = bearer(world, "ben-user")
    assert client.post("/api/athletes/ana/checkins", json=body, headers=headers).status_code == 404
    assert client.post("/api/athletes/ana/done", headers=headers).status_code == 404
    assert world.store.sessions("ana") == []


@pytest.mark.parametrize(
    ("action", "body"),
    [("approve", {}), ("reject", {"reason_code": "other"}), ("amend", {"intensity": "low"})],
)
def test_an_athlete_cannot_decide_even_their_own(client: TestClient, world: World, action, body):
    path = f"/api/recommendations/{world.ana_rec}/{action}"
    assert client.post(path, json=body, headers=bearer(world, "ana-user")).status_code == 403
    _untouched(world)


@pytest.mark.parametrize("page", ["/review", "/recommendations/{ana_rec}"])
def test_the_coach_pages_are_not_for_athletes(client: TestClient, world: World, page):
    log_in(client, "ana-user")
    assert client.get(_url(page, world)).status_code == 403


def test_an_athlete_page_of_another_athlete_is_404(client: TestClient, world: World):
    log_in(client, "ana-user")
    assert client.get("/athletes/ben").status_code == 404
    assert client.get("/athletes/ana").status_code == 200


@pytest.mark.parametrize("page", ["/today", "/checkin"])
def test_the_athlete_pages_are_not_for_coaches(client: TestClient, page):
    log_in(client, "sam")
    assert client.get(page).status_code == 403


# --- bearer tokens on pages, CSRF on cookie writes ---------------------------------------------


def test_pages_accept_a_bearer_token(client: TestClient, world: World):
    response = client.get(f"/recommendations/{world.ana_rec}", headers=bearer(world, "sam"))
    assert response.status_code == 200
    assert "RS" in response.text


@pytest.mark.parametrize(("path", "body"), FORM_POSTS)
def test_forms_without_the_csrf_token_are_refused(client: TestClient, world: World, path, body):
    log_in(client, "sam" if "recommendations" in path else "ana-user")
    response = client.post(_url(path, world), data={**body, "csrf": "wrong"})
    assert response.status_code == 403
    _untouched(world)
    assert world.store.sessions("ana") == []


def test_api_writes_with_the_cookie_need_the_csrf_header(client: TestClient, world: World):
    csrf = log_in(client, "sam")
    path = f"/api/recommendations/{world.ana_rec}/approve"
    assert client.post(path, json={}).status_code == 403
    _untouched(world)
    response = client.post(path, json={}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200
    assert response.json()["event"]["reviewer"] == "sam"


def test_the_login_form_has_its_own_csrf_check(client: TestClient):
    client.get("/login")
    response = client.post("/login", data={"name": "sam", "password": "x" * 12, "csrf": "nope"})
    assert response.status_code == 403
    assert "runstrong_session" not in response.cookies


def test_logout_ends_the_session(client: TestClient):
    log_in(client, "sam")
    page = client.get("/review")
    cookie = client.cookies.get("runstrong_session")
    assert client.post("/logout", data={"csrf": csrf_of(page.text)}).status_code == 303
    client.cookies.set("runstrong_session", cookie or "")
    assert client.get("/review").status_code == 303
