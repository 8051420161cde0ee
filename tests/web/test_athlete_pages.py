"""The athlete's pages and endpoints: today's card, the check-in form with the CLI's
validation and messages, and "done as recommended"."""

from __future__ import annotations

import datetime as dt
import json

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
    assert all(item.posture_held is None and item.felt_easy is None for item in logged.exercises)
    page = client.get("/today")
    assert 'id="logged-state"' in page.text and 'id="done"' not in page.text
    # A second tap (or a resubmitted form) is not an error, and stores nothing twice.
    twice = client.post("/done", data={"csrf": csrf}, follow_redirects=True)
    assert twice.status_code == 200
    assert "Already logged" in twice.text
    assert len(world.store.sessions("ben")) == 1


def _rows(session) -> list[str]:
    ids: list[str] = []
    for block in session.blocks:
        if block.role in LOGGED_ROLES:
            ids += [item.id for item in block.exercises if item.id not in ids]
    return ids


def test_after_done_the_athlete_adjusts_each_exercise(client: TestClient, world: World):
    csrf = log_in(client, "ben-user")
    assert client.post("/done", data={"csrf": csrf}).status_code == 303
    session = world.store.get_recommendation(world.ben_rec).recommendation.session
    ids = _rows(session)
    page = client.get("/today").text
    form = {"csrf": csrf}
    for index in range(len(ids)):
        assert f'name="sets-{index}"' in page
        form |= {f"sets-{index}": "2", f"reps-{index}": "6", f"seconds-{index}": "20"}
        form |= {f"kg-{index}": "", f"effort-{index}": "", f"posture-{index}": ""}
    form |= {"kg-0": "16", "effort-0": "easy", "posture-0": "held"}
    form |= {"effort-1": "hard", "posture-1": "lost"} if len(ids) > 1 else {}
    form |= {f"skipped-{len(ids) - 1}": "1"} if len(ids) > 2 else {}
    saved = client.post("/done/adjust", data=form, follow_redirects=True)
    assert saved.status_code == 200, saved.text
    [logged] = world.store.sessions("ben")
    by_id = {item.id: item for item in logged.exercises}
    first = by_id[ids[0]]
    assert (first.sets, first.load_kg, first.posture_held, first.felt_easy) == (2, 16, True, True)
    if len(ids) > 1:
        assert (by_id[ids[1]].posture_held, by_id[ids[1]].felt_easy) == (False, False)
    if len(ids) > 2:
        assert ids[-1] not in by_id
        assert by_id[ids[2]].felt_easy is None  # not rated stays unrated
    again = client.post("/done/adjust", data=form)  # the same answers store nothing new
    assert again.status_code == 303
    assert len(world.store.logs("ben", include_old=True)) == 2


def test_a_bad_actual_names_the_field_and_stores_nothing(client: TestClient, world: World):
    csrf = log_in(client, "ben-user")
    client.post("/done", data={"csrf": csrf})
    before = world.store.logs("ben", include_old=True)
    refused = client.post("/done/adjust", data={"csrf": csrf, "sets-0": "lots", "reps-0": "8"})
    assert refused.status_code == 422
    assert "sets-0" in refused.text and "is not a whole number" in refused.text
    assert world.store.logs("ben", include_old=True) == before
    too_many = client.post("/done/adjust", data={"csrf": csrf, "sets-0": "0", "reps-0": "5000"})
    assert too_many.status_code == 422
    assert "sets-0" in too_many.text and "greater than or equal to 1" in too_many.text
    assert "reps-0" in too_many.text and "less than or equal to 1000" in too_many.text
    assert world.store.logs("ben", include_old=True) == before
    forged = client.post("/done/adjust", data={"csrf": "nope", "sets-0": "3"})
    assert forged.status_code == 403
    assert world.store.logs("ben", include_old=True) == before


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
    assert "recommendation" not in created and "rationale" not in json.dumps(created)
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
