"""Web fixtures: a database with two coaches, each with their own athlete, and a check-in
today for each athlete; a client for the app; helpers to log in."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from engine.app import accounts
from engine.app.accounts import add_user, assign_coach, issue_token
from engine.app.checkin import check_in
from engine.contract.models import AthleteProfile, CheckIn
from engine.evaluation.evaluators import get_evaluator
from engine.storage.store import Store
from engine.web.app import create_app

PASSWORD = "correct horse battery"
# The production hasher, kept before the tests swap in a cheap one.
REAL_HASHER = accounts._hasher
EQUIPMENT = ["kettlebell", "kettlebell_pair", "box", "mat", "mini_band", "loop_band"]


@dataclass
class World:
    url: str
    store: Store
    today: dt.date
    # recommendation ids of today's check-ins
    ana_rec: int
    ben_rec: int
    tokens: dict[str, str]


def profile(athlete_id: str, today: dt.date) -> AthleteProfile:
    return AthleteProfile.model_validate(
        {
            "id": athlete_id,
            "level": "intermediate",
            "equipment": EQUIPMENT,
            "kettlebells_kg": [12, 16, 20],
            "programs": [{"id": "heavy_lifting_for_runners", "week": 3}],
            "ladders": {
                "pistol_squat": {
                    "stage": "isometric_pistol",
                    "since": (today - dt.timedelta(weeks=6)).isoformat(),
                }
            },
        }
    )


def checkin(today: dt.date, **changes: object) -> CheckIn:
    data: dict[str, object] = {
        "date": today.isoformat(),
        "recovery_pct": 85,
        "slept_well": True,
        "soreness": 2,
        "life_stress": 3,
        "planned": "strength",
    }
    data.update(changes)
    return CheckIn.model_validate(data)


def build_world(url: str) -> World:
    store = Store.open(url, create=True)
    evaluator = get_evaluator()
    today = dt.date.today()
    for athlete_id in ("ana", "ben", "cleo"):
        store.add_athlete(profile(athlete_id, today))
    add_user(store, "sam", "coach", PASSWORD)
    add_user(store, "kim", "coach", PASSWORD)
    add_user(store, "ana-user", "athlete", PASSWORD, athlete_id="ana")
    add_user(store, "ben-user", "athlete", PASSWORD, athlete_id="ben")
    add_user(store, "cleo-user", "athlete", PASSWORD, athlete_id="cleo")
    assign_coach(store, "sam", "ana")
    assign_coach(store, "kim", "ben")
    ana = check_in(
        store,
        evaluator,
        "ana",
        checkin(today, planned="hiit", pain=[{"area": "knee", "severity": 3}]),
    )
    ben = check_in(store, evaluator, "ben", checkin(today))
    tokens = {name: issue_token(store, name) for name in ("sam", "kim", "ana-user", "ben-user")}
    return World(url, store, today, ana.recommendation_id, ben.recommendation_id, tokens)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2 with tiny costs, so each login takes milliseconds on a loaded machine; the real
    parameters are checked in test_accounts.py."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        )
        yield


@pytest.fixture(scope="session")
def world_template(
    tmp_path_factory: pytest.TempPathFactory, cheap_password_hashing: None
) -> tuple[Path, World]:
    """The world built once; each test gets a copy of its database file."""
    path = tmp_path_factory.mktemp("world") / "web.db"
    world = build_world(f"sqlite:///{path}")
    world.store.engine.dispose()  # the last connection to close checkpoints the WAL
    assert not path.with_name("web.db-wal").exists()
    return path, world


@pytest.fixture
def world(tmp_path: Path, world_template: tuple[Path, World]) -> World:
    source, template = world_template
    target = tmp_path / "web.db"
    shutil.copyfile(source, target)
    target.chmod(0o600)
    url = f"sqlite:///{target}"
    return dataclasses.replace(template, url=url, store=Store.open(url, create=True))


@pytest.fixture
def client(world: World) -> TestClient:
    return TestClient(create_app(world.store, get_evaluator()), follow_redirects=False)


CSRF_FIELD = re.compile(r'name="csrf" value="([^"]*)"')


def csrf_of(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token (from a page's form)."""
    page = client.get("/login")
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf": csrf_of(page.text)}
    )
    assert response.status_code == 303, response.text
    home = client.get(response.headers["location"], follow_redirects=True)
    return csrf_of(home.text)


def bearer(world: World, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[name]}"}
