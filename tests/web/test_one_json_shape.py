"""One JSON shape per view: the CLI's ``--format json`` and the API answer with the same
model, so a script can move from one to the other without a second parser."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner
from fastapi.testclient import TestClient

from engine.app.review import approve
from engine.cli.main import cli
from tests.web.conftest import World, bearer


def _cli_json(world: World, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--db", world.url, *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_review_list_is_the_apis_triage(client: TestClient, world: World) -> None:
    api = client.get("/api/recommendations?athlete=ana", headers=bearer(world, "sam")).json()
    assert api, "the fixture's check-in should be pending"
    assert _cli_json(world, "review", "list", "--athlete", "ana") == api
    lapsed = client.get("/api/recommendations?status=all", headers=bearer(world, "sam")).json()
    assert _cli_json(world, "review", "list", "--status", "all", "--athlete", "ana") == lapsed


def test_review_show_is_the_apis_recommendation(client: TestClient, world: World) -> None:
    approve(world.store, world.ana_rec, "sam", "Fine by me")  # an event in both
    api = client.get(f"/api/recommendations/{world.ana_rec}", headers=bearer(world, "sam")).json()
    assert api["events"][0]["note"] == "Fine by me"
    assert _cli_json(world, "review", "show", str(world.ana_rec)) == api
    assert _cli_json(world, "review", "log", str(world.ana_rec)) == api["events"]


def test_today_is_the_apis_card(client: TestClient, world: World) -> None:
    for who in ("ana-user", "sam"):  # the athlete and the coach get the same card
        api = client.get("/api/athletes/ana/today", headers=bearer(world, who)).json()
        assert _cli_json(world, "today", "ana") == api
