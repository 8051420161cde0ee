"""The coach's pages and the API: the queue, one recommendation with all its reasons, and
decisions that go through the same checks and audit log as ``runstrong review``."""

from __future__ import annotations

import datetime as dt
import re
from typing import get_args

from fastapi.testclient import TestClient

from engine.app.checkin import check_in
from engine.app.readable import NOT_PLANNED
from engine.app.triage import TRIAGE_FLAGS, TRIAGE_STATUSES
from engine.evaluation.evaluators import get_evaluator
from engine.rulebook.facts import NO_UPCOMING_HOURS
from engine.storage.reviews import REASON_CODES, ReviewStore
from engine.web.api_models import FlagFilter, ReasonCode, StatusFilter
from tests.web.conftest import World, bearer, checkin, log_in


def test_queue_puts_today_first_and_a_past_day_lapsed(client: TestClient, world: World):
    older = check_in(
        world.store, get_evaluator(), "ana", checkin(world.today - dt.timedelta(days=3))
    )
    headers = bearer(world, "sam")
    items = client.get("/api/recommendations", headers=headers).json()
    assert [item["id"] for item in items] == [world.ana_rec]
    assert "pain: knee 3/10" in items[0]["flags"]
    assert items[0]["attention"] is True
    lapsed = client.get("/api/recommendations?status=lapsed", headers=headers).json()
    assert [item["id"] for item in lapsed] == [older.recommendation_id]
    log_in(client, "sam")
    page = client.get("/review").text
    assert f"#{world.ana_rec}<" in page and "pain: knee 3/10" in page
    assert f"#{older.recommendation_id}<" not in page  # a past day nobody reviewed: lapsed
    assert "1 lapsed" in page
    assert f"#{older.recommendation_id}<" in client.get("/review?status=lapsed").text


def test_queue_filters_by_flag_status_and_athlete(client: TestClient, world: World):
    headers = bearer(world, "sam")
    assert client.get("/api/recommendations?status=approved", headers=headers).json() == []
    pain = client.get("/api/recommendations?flag=pain", headers=headers).json()
    assert [item["id"] for item in pain] == [world.ana_rec]
    assert client.get("/api/recommendations?flag=ladder", headers=headers).json() == []
    assert client.get("/api/recommendations?flag=nonsense", headers=headers).status_code == 422
    log_in(client, "sam")
    assert f"#{world.ana_rec}<" in client.get("/review?flag=pain").text
    assert f"#{world.ana_rec}<" not in client.get("/review?flag=ladder").text
    assert f"#{world.ana_rec}<" in client.get("/review?athlete=ana").text
    assert client.get("/review?flag=nonsense").status_code == 422


def test_recommendation_page_shows_everything_review_show_has(client: TestClient, world: World):
    log_in(client, "sam")
    page = client.get(f"/recommendations/{world.ana_rec}").text
    rec = world.store.get_recommendation(world.ana_rec).recommendation
    for heading in ("Check-in", "History features", "Rules fired", "Constraints", "Proposals"):
        assert heading in page
    assert "knee 3/10" in page
    rules = [entry.rule for entry in rec.rationale]
    positions = [page.index(f"<strong>{rule}</strong>") for rule in rules]
    assert positions == sorted(positions), "rules in firing order"
    first_source = rec.rationale[0].sources[0]
    assert f'source <a href="/sources/{first_source}">{first_source}</a>:' in page
    assert "matched " in page
    for alternative in rec.alternatives:
        assert alternative.reason.replace("'", "&#39;") in page
    assert 'name="reason_code"' in page
    # The same view model as review show: sentinels in words, the trace's notes beside rules.
    history = rec.features["history"]
    if history["hours_to_next_quality"] == NO_UPCOMING_HOURS:
        assert f"<dt>hours_to_next_quality</dt><dd>{NOT_PLANNED}</dd>" in page
    assert f">{NO_UPCOMING_HOURS}<" not in page
    for entry in rec.rationale:
        for why in entry.not_on_card:
            assert "not on today's card: " + why.replace("'", "&#39;") in page


def test_approve_in_the_form_is_recorded_with_the_coach_as_reviewer(
    client: TestClient, world: World
):
    csrf = log_in(client, "sam")
    response = client.post(
        f"/recommendations/{world.ana_rec}/approve", data={"csrf": csrf, "note": "Go easy"}
    )
    assert response.status_code == 303
    [event] = ReviewStore(world.store).events(world.ana_rec)
    assert (event.action, event.reviewer, event.note) == ("approve", "sam", "Go easy")
    page = client.get(response.headers["location"]).text
    assert re.search(r'id="status">approved<', page)
    again = client.post(f"/recommendations/{world.ana_rec}/approve", data={"csrf": csrf})
    assert again.status_code == 409
    assert "already approved" in again.text


def test_reject_needs_a_known_reason_code(client: TestClient, world: World):
    headers = bearer(world, "sam")
    path = f"/api/recommendations/{world.ana_rec}/reject"
    assert client.post(path, json={"reason_code": "bored"}, headers=headers).status_code == 422
    response = client.post(
        path, json={"reason_code": "athlete_context", "note": "Travelling"}, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["event"]["reason_code"] == "athlete_context"


def test_amend_goes_through_the_knowledge_base_checks(client: TestClient, world: World):
    csrf = log_in(client, "sam")
    bad = client.post(
        f"/recommendations/{world.ana_rec}/amend",
        data={"csrf": csrf, "swap": "burpee=no_such_exercise"},
    )
    assert bad.status_code == 422
    assert "is not in the session" in bad.text or "unknown exercise" in bad.text
    assert world.store.get_recommendation(world.ana_rec).status == "pending"
    unparsable = client.post(
        f"/recommendations/{world.ana_rec}/amend", data={"csrf": csrf, "dose": "squat=lots"}
    )
    assert unparsable.status_code == 422
    assert "EXERCISE=SETSxREPS" in unparsable.text
    good = client.post(
        f"/recommendations/{world.ana_rec}/amend",
        data={"csrf": csrf, "kind": "easy_run", "intensity": "low", "note": "Rest the knee"},
    )
    assert good.status_code == 303
    [event] = ReviewStore(world.store).events(world.ana_rec)
    assert event.action == "amend"
    assert event.reviewer == "sam"
    assert "kind: hiit -> easy_run" in event.changes["session"]


def test_api_amend_with_a_dose_and_the_athlete_sees_it(client: TestClient, world: World):
    detail = client.get(f"/api/recommendations/{world.ben_rec}", headers=bearer(world, "kim"))
    blocks = detail.json()["recommendation"]["session"]["blocks"]
    exercise, name = next(
        (item["id"], item["name"]) for block in blocks for item in block["exercises"]
    )
    response = client.post(
        f"/api/recommendations/{world.ben_rec}/amend",
        json={"dose": {exercise: {"sets": 2, "reps": 5}}, "note": "Less today"},
        headers=bearer(world, "kim"),
    )
    assert response.status_code == 200, response.text
    today = client.get("/api/athletes/ben/today", headers=bearer(world, "ben-user")).json()
    assert today["status"] == "amended"
    assert today["amended_by_coach"] is True
    assert today["coach_note"] == "Less today"
    assert "recommendation" not in today  # the athlete's card: the session in words only
    items = [i for b in today["blocks"] for i in b["exercises"]]
    assert any(item["name"] == name and item["dose"].startswith("2 x 5") for item in items)


def test_athlete_page_draws_svg_charts(client: TestClient, world: World):
    log_in(client, "sam")
    page = client.get("/athletes/ana").text
    assert page.count("<svg") == 2
    assert "<polyline" in page or "<circle" in page
    assert "<script" not in page


def test_api_detail_matches_the_stored_recommendation(client: TestClient, world: World):
    data = client.get(f"/api/recommendations/{world.ana_rec}", headers=bearer(world, "sam")).json()
    stored = world.store.get_recommendation(world.ana_rec)
    assert data["id"] == world.ana_rec
    assert data["athlete"] == "ana"
    assert data["recommendation"]["rationale"][0]["rule"] == stored.recommendation.rationale[0].rule
    assert set(data["sources"]) >= set(stored.recommendation.rationale[0].sources)
    assert data["checkin"]["pain"] == [{"area": "knee", "severity": 3, "during": None}]


def test_unknown_recommendation_is_404(client: TestClient, world: World):
    assert client.get("/api/recommendations/99999", headers=bearer(world, "sam")).status_code == 404


def test_openapi_document_lists_the_api(client: TestClient, world: World):
    assert client.get("/openapi.json").status_code == 401  # it maps every endpoint
    document = client.get("/openapi.json", headers=bearer(world, "sam")).json()
    paths = document["paths"]
    for path in (
        "/api/recommendations",
        "/api/recommendations/{recommendation_id}",
        "/api/recommendations/{recommendation_id}/approve",
        "/api/recommendations/{recommendation_id}/amend",
        "/api/recommendations/{recommendation_id}/reject",
        "/api/athletes/{athlete_id}/checkins",
        "/api/athletes/{athlete_id}/today",
    ):
        assert path in paths
    assert "/review" not in paths  # pages are not part of the API
    assert "Recommendation" in document["components"]["schemas"]


def test_athlete_page_shows_the_week_plan(client: TestClient, world: World):
    log_in(client, "sam")
    page = client.get("/athletes/ana").text
    week = page.split('id="week"', 1)[1].split("</section>", 1)[0]
    assert "The week ahead" in week
    assert week.count("<tr>") == 1 + 7  # the header and seven days
    assert week.count("projected") >= 6  # every day after today's check-in is a projection


def test_the_apis_status_and_reason_choices_are_the_apps() -> None:
    """The API spells its choices as Literal types (for OpenAPI and mypy); they must be the
    application's one list, not a copy that drifts."""
    assert get_args(StatusFilter) == TRIAGE_STATUSES
    assert get_args(FlagFilter) == TRIAGE_FLAGS
    assert get_args(ReasonCode) == tuple(REASON_CODES)


def test_athlete_page_shows_each_lifts_estimated_1rm_and_load_by_week(
    client: TestClient, world: World
):
    from engine.contract.models import ExerciseLog, SessionLog

    day = world.today - dt.timedelta(days=1)
    world.store.log_session(
        "ana",
        SessionLog(
            date=day,
            kind="strength",
            program="heavy_lifting_for_runners",
            exercises=[
                ExerciseLog(
                    id="single_kettlebell_front_rack_squat",
                    sets=3,
                    reps=12,
                    load_kg=16,
                    posture_held=True,
                    felt_easy=True,
                )
            ],
        ),
    )
    log_in(client, "sam")
    page = client.get("/athletes/ana").text
    progress = page.split('id="progress"', 1)[1].split("</section>", 1)[0]
    assert "Single kettlebell front rack squat" in progress
    assert "24.0 kg / 16.0 kg" in progress  # 16 x (1 + (12 + 3) / 30), and the 16 kg lifted


def test_athlete_page_says_when_the_week_has_no_runs(client: TestClient, world: World):
    log_in(client, "sam")
    page = client.get("/athletes/ana").text
    week = page.split('id="week"', 1)[1].split("</section>", 1)[0]
    assert "No runs in this plan" in week
    assert "runstrong calendar add ana" in week
