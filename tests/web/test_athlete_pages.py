"""The athlete's pages and endpoints: today's card, the check-in form with the CLI's
validation and messages, and "done as recommended"."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from engine.app.accounts import issue_token
from engine.app.session_done import LOGGED_ROLES
from tests.web.conftest import World, bearer, log_in


def test_today_card_shows_the_session_and_the_coach_status(client: TestClient, world: World):
    log_in(client, "ana-user")
    page = client.get("/today").text
    rec = world.store.get_recommendation(world.ana_rec).recommendation
    assert rec.session.title in page
    assert "Waiting for your coach" in page
    assert 'id="done"' in page


def test_without_a_check_in_today_the_card_asks_for_one(client: TestClient, world: World):
    token = issue_token(world.store, "cleo-user")
    page = client.get("/today", headers={"Authorization": f"Bearer {token}"})
    assert 'id="go-checkin"' in page.text
    api = client.get("/api/athletes/cleo/today", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 404


def test_the_check_in_form_reports_every_problem_by_field(client: TestClient):
    csrf = log_in(client, "cleo-user")
    response = client.post(
        "/checkin",
        data={"csrf": csrf, "recovery_pct": "lots", "soreness": "11", "life_stress": "3"},
    )
    assert response.status_code == 422
    text = response.text
    assert "recovery_pct: &#39;lots&#39; is not a whole number" in text
    assert "soreness: Input should be less than or equal to 10" in text
    assert "slept_well: required field is missing" in text
    assert 'value="11"' in text  # the answers stay in the form


def test_a_check_in_in_the_form_stores_it_and_shows_the_card(client: TestClient, world: World):
    csrf = log_in(client, "cleo-user")
    response = client.post(
        "/checkin",
        data={
            "csrf": csrf,
            "recovery_pct": "90",
            "slept_well": "yes",
            "soreness": "1",
            "life_stress": "2",
            "planned": "strength",
            "pain_area": "low_back",
            "pain_severity": "2",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/today"
    stored = world.store.get_checkin("cleo", world.today)
    assert stored is not None
    assert stored.recovery_pct == 90
    assert stored.pain[0].area == "low_back"
    assert 'id="today-card"' in client.get("/today").text


def test_a_second_check_in_needs_replace(client: TestClient, world: World):
    csrf = log_in(client, "ana-user")
    answers = {
        "csrf": csrf,
        "recovery_pct": "60",
        "slept_well": "no",
        "soreness": "5",
        "life_stress": "6",
    }
    refused = client.post("/checkin", data=answers)
    assert refused.status_code == 409
    assert "already checked in" in refused.text
    assert world.store.get_checkin("ana", world.today).recovery_pct == 85
    replaced = client.post("/checkin", data={**answers, "replace": "true"})
    assert replaced.status_code == 303
    assert world.store.get_checkin("ana", world.today).recovery_pct == 60
    assert world.store.get_recommendation(world.ana_rec).status == "superseded"


def test_done_as_recommended_logs_the_session(client: TestClient, world: World):
    csrf = log_in(client, "ben-user")
    response = client.post("/done", data={"csrf": csrf})
    assert response.status_code == 303
    [logged] = world.store.sessions("ben")
    session = world.store.get_recommendation(world.ben_rec).recommendation.session
    assert logged.kind == session.kind
    assert logged.date == world.today
    done_ids = [item.id for item in logged.exercises]
    # Warm-ups and cool-downs are not logged (session_done.LOGGED_ROLES).
    given = [i.id for b in session.blocks if b.role in LOGGED_ROLES for i in b.exercises]
    assert done_ids == given
    twice = client.post("/done", data={"csrf": csrf})
    assert twice.status_code == 422
    assert "already logged" in twice.text
    assert len(world.store.sessions("ben")) == 1


def test_done_is_refused_when_the_coach_rejected(client: TestClient, world: World):
    client.post(
        f"/api/recommendations/{world.ben_rec}/reject",
        json={"reason_code": "athlete_context"},
        headers=bearer(world, "kim"),
    )
    response = client.post("/api/athletes/ben/done", headers=bearer(world, "ben-user"))
    assert response.status_code == 422
    assert "rejected" in response.text
    assert world.store.sessions("ben") == []


def test_api_check_in_and_list(client: TestClient, world: World):
    headers = bearer(world, "ana-user")
    body = {
        "checkin": {
            "date": world.today.isoformat(),
            "recovery_pct": 70,
            "slept_well": False,
            "soreness": 4,
            "life_stress": 5,
        }
    }
    again = client.post("/api/athletes/ana/checkins", json=body, headers=headers)
    assert again.status_code == 409  # checked in today already
    replaced = client.post(
        "/api/athletes/ana/checkins", json={**body, "replace": True}, headers=headers
    )
    assert replaced.status_code == 201, replaced.text
    created = replaced.json()
    # The athlete gets what their page shows: the card in words, not the trace.
    assert created["date"] == world.today.isoformat()
    assert created["session"] and created["title"]
    assert created["recommendation"] is None
    dates = [c["date"] for c in client.get("/api/athletes/ana/checkins", headers=headers).json()]
    assert dates == [world.today.isoformat()]


def test_api_check_in_in_the_future_is_refused(client: TestClient, world: World):
    body = {
        "checkin": {
            "date": (world.today + dt.timedelta(days=2)).isoformat(),
            "recovery_pct": 70,
            "slept_well": False,
            "soreness": 4,
            "life_stress": 5,
        }
    }
    response = client.post(
        "/api/athletes/ana/checkins", json=body, headers=bearer(world, "ana-user")
    )
    assert response.status_code == 422
    assert "a check-in is for today" in response.json()["detail"][0]["msg"]
    # Not the coach either: a correction is of a day that has been.
    response = client.post("/api/athletes/ana/checkins", json=body, headers=bearer(world, "sam"))
    assert response.status_code == 422
    assert "is in the future" in response.json()["detail"][0]["msg"]


def test_the_check_in_page_is_phone_sized(client: TestClient):
    log_in(client, "ana-user")
    page = client.get("/checkin").text
    assert 'name="viewport" content="width=device-width' in page
    assert 'inputmode="numeric"' in page
    assert "<script" not in page
