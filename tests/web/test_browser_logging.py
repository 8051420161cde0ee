"""On a phone (390x844) in headless Chromium: the athlete taps Done, then says what they
actually did for each exercise (kg, reps, sets, a hard set, lost posture, skipped) with large
controls and no ids to type; what is stored is checked in the database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from engine.app.session_done import LOGGED_ROLES
from tests.web.browser import (
    PHONE,
    browser_available,
    chromium,
    log_in,
    running_server,
    wait_for_text,
)
from tests.web.conftest import PASSWORD, World

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not browser_available() and not os.environ.get("RUNSTRONG_REQUIRE_BROWSER"),
        reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
    ),
]
# Apple and WCAG 2.5.5: a touch target at least 44 CSS px high.
MIN_TARGET_PX = 44
SCREENSHOT = os.environ.get("RUNSTRONG_SCREENSHOT")


def _set(driver, name: str, value: str) -> None:
    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(value)


def test_an_athlete_logs_per_exercise_actuals_on_a_phone(world: World, tmp_path: Path):
    session = world.store.get_recommendation(world.ben_rec).recommendation.session
    ids: list[str] = []
    for block in session.blocks:
        if block.role in LOGGED_ROLES:
            ids += [item.id for item in block.exercises if item.id not in ids]
    assert len(ids) >= 3, ids
    with running_server(world.url) as base, chromium(PHONE) as driver:
        log_in(driver, base, "ben-user", PASSWORD)
        driver.find_element(By.ID, "done").click()
        driver.find_element(By.ID, "logged-state")  # waits: the logged state replaces Done
        assert not driver.find_elements(By.ID, "done")
        width = driver.execute_script("return document.documentElement.clientWidth")
        assert width <= PHONE[0]
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, "the logging form fits the phone's width"
        targets = driver.find_elements(By.CSS_SELECTOR, "#actuals label.pill, #actuals input")
        small = [
            element.get_attribute("outerHTML")[:80]
            for element in targets
            if element.get_attribute("type") not in ("radio", "checkbox", "hidden")
            and element.size["height"] < MIN_TARGET_PX
        ]
        assert small == [], small
        # First exercise: 2 sets of 6 at 16 kg, easy, posture held.
        _set(driver, "sets-0", "2")
        _set(driver, "reps-0", "6")
        _set(driver, "kg-0", "16")
        driver.find_element(By.CSS_SELECTOR, "input[name=effort-0][value=easy]").click()
        driver.find_element(By.CSS_SELECTOR, "input[name=posture-0][value=held]").click()
        # Second: a hard set and lost posture. Last: skipped.
        driver.find_element(By.CSS_SELECTOR, "input[name=effort-1][value=hard]").click()
        driver.find_element(By.CSS_SELECTOR, "input[name=posture-1][value=lost]").click()
        driver.find_element(By.NAME, f"skipped-{len(ids) - 1}").click()
        driver.find_element(By.ID, "save-actuals").click()
        # The old page says "Logged" too: wait (up to 20 s) for the new one.
        wait_for_text(driver, "logged", "Saved")
        path = Path(SCREENSHOT) if SCREENSHOT else tmp_path / "logged-on-a-phone.png"
        driver.execute_script("document.getElementById('logged-state').scrollIntoView()")
        driver.save_screenshot(str(path))
        # A second tap of Done from an old page is not an error.
        driver.get(f"{base}/today")
        assert not driver.find_elements(By.ID, "done")
    [logged] = world.store.sessions("ben")
    by_id = {item.id: item for item in logged.exercises}
    first = by_id[ids[0]]
    assert (first.sets, first.reps, first.load_kg) == (2, 6, 16)
    assert (first.felt_easy, first.posture_held) == (True, True)
    assert (by_id[ids[1]].felt_easy, by_id[ids[1]].posture_held) == (False, False)
    assert ids[-1] not in by_id
    assert all(by_id[exercise].felt_easy is None for exercise in ids[2:-1])
