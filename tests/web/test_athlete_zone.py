"""The athlete's day: each athlete has an IANA time zone; their today, their check-in date,
their card and the API follow it. A check-in for another day is refused, unless the athlete's
coach corrects the record, which is audited."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from engine.app.athlete_zone import athlete_today, set_zone
from engine.cli.main import cli
from engine.contract.errors import InputError
from engine.storage.accounts import AccountStore
from tests.web.conftest import World, bearer, log_in

# 25 hours apart: at any moment their dates differ.
KIRITIMATI = "Pacific/Kiritimati"  # UTC+14
PAGO_PAGO = "Pacific/Pago_Pago"  # UTC-11


def _today_in(zone: str) -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()


def _body(day: dt.date, **more: object) -> dict[str, object]:
    checkin = {"date": day.isoformat(), "recovery_pct": 80, "slept_well": True}
    return {"checkin": {**checkin, "soreness": 2, "life_stress": 2}, **more}


def test_today_is_the_athletes_own(world: World):
    set_zone(world.store, "cleo", KIRITIMATI)
    noon_utc = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
    assert athlete_today(world.store, "cleo", noon_utc) == dt.date(2026, 12, 7)
    set_zone(world.store, "cleo", PAGO_PAGO)
    assert athlete_today(world.store, "cleo", noon_utc) == dt.date(2026, 12, 6)
    early_utc = dt.datetime(2026, 12, 6, 5, 0, tzinfo=dt.UTC)
    assert athlete_today(world.store, "cleo", early_utc) == dt.date(2026, 12, 5)


def test_an_unknown_zone_is_refused_by_name(world: World):
    result = CliRunner().invoke(
        cli, ["--db", world.url, "athlete", "timezone", "ana", "Mars/Olympus"]
    )
    assert result.exit_code == 2
    assert "timezone: unknown time zone 'Mars/Olympus'" in result.output
    with pytest.raises(InputError) as caught:
        set_zone(world.store, "ana", "../../etc/passwd")
    assert caught.value.problems[0].field == "timezone"


def test_an_athlete_in_kiritimati_checks_in_on_their_own_date(client: TestClient, world: World):
    result = CliRunner().invoke(cli, ["--db", world.url, "athlete", "timezone", "ben", KIRITIMATI])
    assert result.exit_code == 0, result.output
    headers = bearer(world, "ben-user")
    theirs = _today_in(KIRITIMATI)
    made = client.post(
        "/api/athletes/ben/checkins", json=_body(theirs, replace=True), headers=headers
    )
    assert made.status_code == 201, made.text
    assert made.json()["date"] == theirs.isoformat()
    today = client.get("/api/athletes/ben/today", headers=headers).json()
    assert today["date"] == theirs.isoformat()
    wrong = client.post(
        "/api/athletes/ben/checkins", json=_body(_today_in(PAGO_PAGO)), headers=headers
    )
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "checkin", "date"]


def test_the_check_in_page_uses_the_athletes_date(client: TestClient, world: World):
    set_zone(world.store, "ana", KIRITIMATI)
    csrf = log_in(client, "ana-user")
    form = {
        "csrf": csrf,
        "recovery_pct": "80",
        "slept_well": "yes",
        "soreness": "2",
        "life_stress": "2",
    }
    assert client.post("/checkin", data=form).status_code in (303, 409)
    assert world.store.get_checkin("ana", _today_in(KIRITIMATI)) is not None
    page = client.get("/today").text
    assert _today_in(KIRITIMATI).strftime("%d %B") in page


def test_a_past_day_api_check_in_is_refused(client: TestClient, world: World):
    yesterday = world.today - dt.timedelta(days=1)
    for body in (_body(yesterday), _body(dt.date(2020, 1, 1)), _body(world.today, replace=False)):
        body["replace"] = True
        day = body["checkin"]["date"]  # type: ignore[index]
        response = client.post(
            "/api/athletes/ben/checkins", json=body, headers=bearer(world, "ben-user")
        )
        if day == world.today.isoformat():
            assert response.status_code == 201
        else:
            assert response.status_code == 422
            assert "a check-in is for today" in response.json()["detail"][0]["msg"]
    assert [c.date for c in world.store.checkins("ben")] == [world.today]


def test_the_coach_may_correct_a_past_day_and_it_is_audited(client: TestClient, world: World):
    yesterday = world.today - dt.timedelta(days=1)
    made = client.post(
        "/api/athletes/ben/checkins", json=_body(yesterday), headers=bearer(world, "kim")
    )
    assert made.status_code == 201, made.text
    # The answer is the card; the coach reads the reasons by its id.
    reasons = client.get(f"/api/recommendations/{made.json()['id']}", headers=bearer(world, "kim"))
    assert reasons.json()["recommendation"]["athlete"] == "ben"
    events = AccountStore(world.store).events("ben")
    assert events == [
        (
            "kim",
            "checkin_corrected",
            {"date": yesterday.isoformat(), "replace": False, "recommendation": made.json()["id"]},
        )
    ]
    # Another coach cannot, and learns nothing about ben.
    other = client.post(
        "/api/athletes/ben/checkins", json=_body(yesterday), headers=bearer(world, "sam")
    )
    assert other.status_code == 404


def test_the_command_line_days_follow_the_athletes_zone(world: World):
    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--db", world.url, *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("athlete", "timezone", "cleo", KIRITIMATI)
    theirs = _today_in(KIRITIMATI)
    run("checkin", "cleo", "--recovery", "85", "--slept-well", "--soreness", "2", "--stress", "2")
    assert [c.date for c in world.store.checkins("cleo")] == [theirs]
    assert theirs.isoformat() in run("today", "cleo", "--format", "json")
    run("log", "cleo", "--kind", "easy_run", "--duration", "30")
    assert [s.date for s in world.store.sessions("cleo")] == [theirs]
    assert "server's zone" in run("athlete", "timezone", "cleo", "--server")


def test_an_event_time_keeps_its_offset(client: TestClient, world: World):
    tomorrow = world.today + dt.timedelta(days=1)
    run = {"date": f"{tomorrow.isoformat()}T18:00:00+14:00", "kind": "quality_run"}
    body = _body(world.today, replace=True, upcoming=[run])
    made = client.post("/api/athletes/ana/checkins", json=body, headers=bearer(world, "ana-user"))
    assert made.status_code == 201, made.text
    log_in(client, "sam")
    page = client.get(f"/recommendations/{made.json()['id']}").text
    assert f"quality_run {tomorrow.isoformat()}T18:00:00+14:00" in page
