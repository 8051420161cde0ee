"""The coach's morning: twenty coached athletes with two weeks of check-ins. Today's
items that need attention are on the first screen of ``review list`` and of ``/review``; past
days nobody reviewed are lapsed (kept, counted, listed apart); a bulk approve writes one audit
event per recommendation, and ``review approve`` takes several ids."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from engine.app.accounts import assign_coach
from engine.cli.main import cli
from engine.storage.bulk import PastDay, import_days
from engine.storage.reviews import ReviewStore
from tests.web.conftest import World, checkin, log_in, profile

ATHLETES = [f"a{number:02d}" for number in range(20)]
IN_PAIN = ATHLETES[:5]  # today's attention items, besides ana's
PAST_DAYS = 12  # then today and tomorrow: two weeks


@pytest.fixture
def morning(world: World) -> dict[tuple[str, dt.date], int]:
    """Sam coaches ana and twenty more; each has checked in for the last twelve days, today
    and tomorrow, all pending. Five are in pain today (the evaluated day of ana, who has knee
    pain and planned HIIT); the rest are fine (ben's day)."""
    in_pain = world.store.get_recommendation(world.ana_rec)
    fine = world.store.get_recommendation(world.ben_rec)
    ids: dict[tuple[str, dt.date], int] = {}
    for athlete_id in ATHLETES:
        world.store.add_athlete(profile(athlete_id, world.today))
        assign_coach(world.store, "sam", athlete_id)
        days = [world.today + dt.timedelta(days=offset) for offset in range(-PAST_DAYS, 2)]
        template = [
            in_pain if athlete_id in IN_PAIN and day == world.today else fine for day in days
        ]
        stored = import_days(
            world.store,
            athlete_id,
            [
                PastDay(
                    checkin=checkin(day, **stored.request["checkin"] | {"date": day.isoformat()}),
                    request=stored.request,
                    recommendation=stored.recommendation,
                )
                for day, stored in zip(days, template, strict=True)
            ],
        )
        ids.update({(athlete_id, day): rec_id for day, rec_id in zip(days, stored, strict=True)})
    return ids


def _attention_today(world: World, morning: dict[tuple[str, dt.date], int]) -> set[int]:
    return {world.ana_rec} | {morning[athlete, world.today] for athlete in IN_PAIN}


def test_todays_attention_items_are_on_the_first_screen_of_review_list(
    world: World, morning: dict[tuple[str, dt.date], int]
) -> None:
    listed = CliRunner().invoke(cli, ["--db", world.url, "review", "list"])
    assert listed.exit_code == 0, listed.output
    screen = "\n".join(listed.output.splitlines()[:24])  # one terminal screen
    shown = {int(found) for found in re.findall(r"#(\d+)", screen)}
    assert _attention_today(world, morning) <= shown
    # Attention first within the day: no calm row of today above a flagged one.
    marks = [line[0] for line in listed.output.splitlines() if re.match(r"^[! ] #\d+", line)]
    assert marks[: len(_attention_today(world, morning))] == ["!"] * 6
    assert "22 pending" not in listed.output  # not every day: the past ones lapsed
    assert listed.output.startswith("42 pending (6 need attention), 240 lapsed")


def test_past_days_are_lapsed_kept_and_counted(
    world: World, morning: dict[tuple[str, dt.date], int]
) -> None:
    def listed(*args: str) -> list[dict[str, object]]:
        import json

        result = CliRunner().invoke(cli, ["--db", world.url, "review", "list", *args])
        assert result.exit_code == 0, result.output
        return list(json.loads(result.output))

    lapsed = listed("--status", "lapsed", "--athlete", "a07", "--limit", "50", "--format", "json")
    assert len(lapsed) == PAST_DAYS
    assert {item["status"] for item in lapsed} == {"lapsed"}
    pending = listed("--athlete", "a07", "--format", "json")
    assert [item["date"] for item in pending] == [
        str(world.today),
        str(world.today + dt.timedelta(days=1)),
    ]
    # Kept as they were: still pending in the database, their audit trail empty.
    past = morning["a07", world.today - dt.timedelta(days=3)]
    assert world.store.get_recommendation(past).status == "pending"
    assert ReviewStore(world.store).events(past) == []


def test_review_page_puts_todays_attention_first_and_bulk_approves_each_audited(
    client: TestClient, world: World, morning: dict[tuple[str, dt.date], int]
) -> None:
    csrf = log_in(client, "sam")
    page = client.get("/review").text
    rows = [int(found) for found in re.findall(r'class="open">#(\d+)<', page)]
    attention = _attention_today(world, morning)
    assert set(rows[: len(attention)]) == attention
    assert "41 pending" in page and "240 lapsed" in page  # sam's: not ben
    calm = [morning[athlete, world.today] for athlete in ATHLETES[10:13]]
    for rec_id in calm:
        assert f'name="one" value="{rec_id}"' in page  # one-click approve: nothing flagged
    for rec_id in attention:
        assert f'name="one" value="{rec_id}"' not in page
    refused = client.post("/review/approve", data={"ids": [str(i) for i in calm]})
    assert refused.status_code == 403  # no CSRF token
    assert all(ReviewStore(world.store).events(rec_id) == [] for rec_id in calm)
    done = client.post("/review/approve", data={"csrf": csrf, "ids": [str(i) for i in calm]})
    assert done.status_code == 303, done.text
    for rec_id in calm:
        [event] = ReviewStore(world.store).events(rec_id)
        assert (event.action, event.reviewer) == ("approve", "sam")
    assert "Approved 3." in client.get(done.headers["location"]).text
    # Another coach's recommendation is not there for sam, and nothing is decided.
    other = client.post("/review/approve", data={"csrf": csrf, "ids": [str(world.ben_rec)]})
    assert other.status_code == 404
    assert ReviewStore(world.store).events(world.ben_rec) == []


def test_review_approve_takes_several_ids(
    world: World, morning: dict[tuple[str, dt.date], int]
) -> None:
    chosen = [morning[athlete, world.today] for athlete in ATHLETES[15:18]]
    result = CliRunner().invoke(
        cli,
        ["--db", world.url, "review", "approve", *map(str, chosen), "--reviewer", "sam"],
    )
    assert result.exit_code == 0, result.output
    for rec_id in chosen:
        assert f"#{rec_id}: approved by sam" in result.output
        assert len(ReviewStore(world.store).events(rec_id)) == 1
