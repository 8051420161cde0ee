"""A recommendation that reads like a card: a one-line summary, the session
as the athlete sees it, what changed from the plan with why, the check-in in words; the full
trace below it (folded on the web), each source linking to where it is; amending by choosing
from the knowledge base's options, doses as numbers; reason codes in words."""

from __future__ import annotations

import datetime as dt
import re

from click.testing import CliRunner
from fastapi.testclient import TestClient

from engine.app.checkin import check_in
from engine.app.review_card import concluded_words
from engine.cli.main import cli
from engine.evaluation.evaluators import get_evaluator
from engine.storage.reviews import ReviewStore
from engine.views.review import TRACE_HEADER
from tests.web.conftest import World, checkin, log_in

REPR = re.compile(r"\b(True|False|None)\b|\w+\(\w+=")


def test_review_show_is_a_short_card_then_the_trace_with_no_reprs(world: World) -> None:
    shown = CliRunner().invoke(cli, ["--db", world.url, "review", "show", str(world.ana_rec)])
    assert shown.exit_code == 0, shown.output
    card, trace = shown.output.split(TRACE_HEADER)
    card_lines = card.strip().splitlines()
    assert len(card_lines) <= 15
    assert card_lines[0].startswith(f"#{world.ana_rec} ana, ")
    assert card_lines[0].endswith("as planned; pending")  # HIIT, knee pain and all
    assert any(line.startswith("Check-in: recovery 85%") for line in card_lines)
    assert "Pain: knee 3/10" in card
    assert any(line.startswith("Changed: ") for line in card_lines)
    assert "RULES FIRED, IN ORDER" in trace and "source d" in trace
    assert "TODAY:" not in shown.output  # the session is not printed a second time
    assert not REPR.search(shown.output), REPR.search(shown.output)


def test_a_conclusion_reads_as_words() -> None:
    assert concluded_words("derived(value=used, name=hiit_budget)") == "derived hiit_budget: used"
    assert (
        concluded_words("constraint(value=squat, about=loaded, kind=avoid_pattern)")
        == "constraint: value squat, about loaded, kind avoid_pattern"
    )


def test_the_page_puts_the_card_first_and_folds_the_trace(client: TestClient, world: World):
    log_in(client, "sam")
    page = client.get(f"/recommendations/{world.ana_rec}").text
    summary, folded = page.index('id="summary-title"'), page.index("<details")
    assert summary < page.index('class="session-title"') < folded
    assert folded < page.index("Rules fired, in order") < page.index("</details>")
    assert "Check-in:</strong> recovery 85%" in page
    assert not REPR.search(page.split("<details")[1].split("</details>")[0])
    source = re.search(r'href="/sources/([a-z0-9_]+)"', page)
    assert source is not None
    cited = client.get(f"/sources/{source.group(1)}")
    assert cited.status_code == 200 and "Passage" in cited.text and "lines " in cited.text
    assert client.get("/sources/no_such_source").status_code == 404
    assert '<option value="athlete_context">the athlete&#39;s circumstances</option>' in page


def test_amend_by_choosing_an_option_and_typing_numbers(client: TestClient, world: World):
    strength = check_in(
        world.store, get_evaluator(), "ana", checkin(world.today - dt.timedelta(days=1))
    ).recommendation_id
    csrf = log_in(client, "sam")
    page = client.get(f"/recommendations/{strength}").text
    swaps = re.findall(r'name="swap_from" value="([a-z0-9_]+)"', page)
    assert swaps, "one row per exercise"
    # The first exercise that has an option in the knowledge base, and its first option.
    old, new = next(
        (old, found.group(1))
        for old in swaps
        if (
            found := re.search(
                rf'value="{old}">.*?<select name="swap_to"><option value="">keep [^<]*</option>'
                r'<option value="([a-z0-9_]+)">',
                page,
                re.S,
            )
        )
    )
    rows = len(swaps)
    data = {
        "csrf": csrf,
        "swap_from": swaps,
        "swap_to": [new if item == old else "" for item in swaps],
        "dose_id": swaps,
        "dose_sets": ["2" if index == rows - 1 else "" for index in range(rows)],
        "dose_reps": ["10" if index == rows - 1 else "" for index in range(rows)],
        "dose_kg": [""] * rows,
    }
    response = client.post(f"/recommendations/{strength}/amend", data=data)
    assert response.status_code == 303, response.text
    [event] = ReviewStore(world.store).events(strength)
    changes = event.changes["session"]
    assert f"swapped {old} for {new}" in changes
    assert any(change.startswith(f"dose of {swaps[-1]}: sets 2, reps 10") for change in changes)
