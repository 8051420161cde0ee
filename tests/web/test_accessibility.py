"""Every coach and athlete page in Debian's headless Chromium at a desktop and a phone size:
axe-core (from npm, ``tests/web/axe``) finds no serious or critical violation, nothing
overflows the width (390 px on the phone), and the console stays clean (no missing favicon,
no CSP refusal)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from engine.app.checkin import check_in
from engine.evaluation.evaluators import get_evaluator
from tests.web.browser import DESKTOP, PHONE, browser_available, chromium, log_in, running_server
from tests.web.conftest import PASSWORD, World, checkin

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        (not browser_available() or not AXE.exists())
        and not os.environ.get("RUNSTRONG_REQUIRE_BROWSER"),
        reason="needs Debian's chromium and axe-core (npm ci --prefix tests/web/axe)",
    ),
]
SERIOUS = ("serious", "critical")


def _pages(world: World, strength: int) -> dict[str, list[str]]:
    source = world.store.get_recommendation(world.ana_rec).recommendation.rationale[0].sources[0]
    return {
        "sam": [
            "/review",
            "/review?status=lapsed",
            f"/recommendations/{world.ana_rec}",
            f"/recommendations/{strength}",
            "/athletes/ana",
            f"/sources/{source}",
            "/account/password",
            "/athletes/nobody",  # the error page
        ],
        "ana-user": ["/today", "/checkin", "/account/password"],
    }


@pytest.fixture
def browsers() -> Iterator[dict[str, WebDriver]]:
    with chromium(DESKTOP) as desktop, chromium(PHONE) as phone:
        yield {"desktop": desktop, "phone": phone}


def _problems(driver: WebDriver, size: tuple[int, int]) -> list[str]:
    found = []
    width = driver.execute_script("return document.documentElement.clientWidth")
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    if scroll > width or width > size[0]:
        found.append(f"overflows: {scroll} px wide in {width} px")
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(done, e => done({error: String(e)}));"
    )
    assert "error" not in result, result
    for violation in result["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    found += [
        f"console: {entry['message'][:160]}"
        for entry in driver.get_log("browser")
        if entry["level"] in ("SEVERE", "WARNING") and "/athletes/nobody" not in entry["message"]
    ]
    return found


def test_every_page_passes_axe_fits_the_phone_and_keeps_the_console_clean(
    world: World, browsers: dict[str, WebDriver]
) -> None:
    strength = check_in(
        world.store, get_evaluator(), "ana", checkin(world.today - dt.timedelta(days=1))
    ).recommendation_id
    problems: dict[str, list[str]] = {}
    with running_server(world.url) as base:
        for name, driver in browsers.items():
            size = DESKTOP if name == "desktop" else PHONE
            for user, paths in _pages(world, strength).items():
                driver.delete_all_cookies()
                driver.get(f"{base}/login")
                problems[f"{name} /login"] = _problems(driver, size)
                log_in(driver, base, user, PASSWORD)
                for path in paths:
                    driver.get(f"{base}{path}")
                    problems[f"{name} {user} {path}"] = _problems(driver, size)
    found = {page: items for page, items in problems.items() if items}
    assert found == {}, "\n".join(f"{page}: {items}" for page, items in found.items())
