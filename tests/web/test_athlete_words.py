"""Every output the athlete reads, on the demo database, is in plain words: no rule ids, no
source or default ids, no snake_case knowledge-base ids, no rules version. Those belong to the
coach's and rule author's views (``review show``, the coach's pages, ``--why``).

Covered: the CLI text of checkin, today, week, history and log list/show (and the JSON of
checkin, today and week, and the week's ICS), the phone pages (/today, /checkin, the athlete's
own page) and the API's athlete views (today, check-in), on days that change the plan (knee
pain, low recovery, high stress).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from engine.app.accounts import add_user, issue_token
from engine.app.athlete_zone import athlete_today
from engine.cli.main import cli
from engine.evaluation.evaluators import get_evaluator
from engine.storage.store import Store
from engine.web.app import create_app
from tests.web.conftest import PASSWORD, log_in

ATHLETE = "demo-runner"
FORBIDDEN = {
    "rule id": re.compile(r"\bRS\d+\b"),
    "source id": re.compile(r"\bd\d_[a-z0-9_]+"),
    "default id": re.compile(r"\bdefault_[a-z0-9_]+"),
    "snake_case id": re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
}
# Check-ins that change the athlete's plan, so the card carries reasons, swaps and notes.
DAYS = {
    "knee pain on a strength day": [
        "--recovery", "88", "--slept-well", "--soreness", "2", "--stress", "3",
        "--planned", "strength", "--pain", "knee:3",
    ],
    "low recovery on a HIIT day": [
        "--recovery", "70", "--slept-badly", "--soreness", "4", "--stress", "5",
        "--planned", "hiit",
    ],
    "high stress on a quality-run day": [
        "--recovery", "85", "--slept-well", "--soreness", "2", "--stress", "9",
        "--planned", "quality_run", "--pain", "low_back:2:deadlift",
    ],
}  # fmt: skip


def offences(text: str) -> list[str]:
    version = get_evaluator().ruleset.version
    found = [f"{what}: {m[0]!r}" for what, rx in FORBIDDEN.items() for m in rx.finditer(text)]
    if version.split("+")[0] in text or version.split("+")[-1] in text:
        found.append(f"rules version {version!r}")
    return found


def json_strings(data: Any) -> Iterator[str]:
    """Every string value of a JSON document (keys are the format's, not the athlete's)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from json_strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from json_strings(value)


def page_text(page: str) -> str:
    """What a person reads on a page: the text between the tags."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('words') / 'demo.db'}"
    assert CliRunner().invoke(cli, ["--db", url, "demo"]).exit_code == 0
    store = Store.open(url)
    add_user(store, "runner", "athlete", PASSWORD, athlete_id=ATHLETE)
    store.engine.dispose()
    return url


def _run(url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", url, *args])
    assert result.exit_code == 0, result.output
    return result.output


def _cli_outputs(url: str) -> Iterator[tuple[str, str]]:
    yield "demo today", _run(url, "today", ATHLETE)
    for day, answers in DAYS.items():
        yield f"checkin ({day})", _run(url, "checkin", ATHLETE, *answers, "--replace")
        card = _run(url, "checkin", ATHLETE, *answers, "--replace", "--format", "json")
        yield f"checkin --format json ({day})", "\n".join(json_strings(json.loads(card)))
        yield f"today ({day})", _run(url, "today", ATHLETE)
        today_json = json.loads(_run(url, "today", ATHLETE, "--format", "json"))
        yield f"today --format json ({day})", "\n".join(json_strings(today_json))
    yield "week", _run(url, "week", ATHLETE)
    week_json = json.loads(_run(url, "week", ATHLETE, "--format", "json"))
    yield "week --format json", "\n".join(json_strings(week_json))
    ics = _run(url, "week", ATHLETE, "--format", "ics")
    yield (
        "week --format ics",
        "\n".join(
            line for line in ics.splitlines() if line.startswith(("SUMMARY", "DESCRIPTION", " "))
        ),
    )
    yield "history", _run(url, "history", ATHLETE)
    yield "log list", _run(url, "log", "list", ATHLETE)
    logs = json.loads(_run(url, "log", "list", ATHLETE, "--format", "json"))
    strength = next(item["id"] for item in logs if item["log"]["program"])
    yield "log show", _run(url, "log", "show", ATHLETE, str(strength))


def test_the_athletes_command_line_says_no_ids(demo: str) -> None:
    outputs = dict(_cli_outputs(demo))
    assert len(outputs) == 19
    # The switch still shows the coach's trace, ids and all.
    assert re.search(r"\bRS\d+\b", _run(demo, "today", ATHLETE, "--why"))
    found = {name: offences(text) for name, text in outputs.items()}
    assert not {name: bad for name, bad in found.items() if bad}


def test_the_athletes_pages_and_api_say_no_ids(demo: str, tmp_path: Path) -> None:
    store = Store.open(demo)
    client = TestClient(create_app(store, get_evaluator()), follow_redirects=False)
    log_in(client, "runner")
    token = {"Authorization": f"Bearer {issue_token(store, 'runner')}"}
    body = {
        "checkin": {
            "date": athlete_today(store, ATHLETE).isoformat(),
            "recovery_pct": 72,
            "slept_well": False,
            "soreness": 4,
            "life_stress": 5,
            "planned": "strength",
            "pain": [{"area": "knee", "severity": 3}],
        },
        "replace": True,
    }
    checked = client.post(f"/api/athletes/{ATHLETE}/checkins", json=body, headers=token)
    assert checked.status_code == 201, checked.text
    today = client.get(f"/api/athletes/{ATHLETE}/today", headers=token)
    assert today.status_code == 200, today.text
    pages = {path: client.get(path) for path in ("/today", "/checkin", f"/athletes/{ATHLETE}")}
    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(pages, 200)
    outputs = {path: page_text(page.text) for path, page in pages.items()}
    outputs["API check-in"] = "\n".join(json_strings(checked.json()))
    outputs["API today"] = "\n".join(json_strings(today.json()))
    assert "Knee pain" in outputs["/today"]  # the reason for the changed plan, in words
    found = {name: offences(text) for name, text in outputs.items()}
    assert not {name: bad for name, bad in found.items() if bad}
