"""End to end in a real headless Chromium against ``runstrong serve``: a coach logs in, opens a
recommendation and approves it (and ``runstrong review log`` shows it); an athlete checks in
at a phone-sized viewport and sees today's card."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from selenium.webdriver.common.by import By

from engine.cli.main import cli
from tests.web.browser import (
    PHONE,
    browser_available,
    chromium,
    log_in,
    running_server,
    wait_for_text,
)
from tests.web.conftest import PASSWORD, World

# CI installs the browser and sets RUNSTRONG_REQUIRE_BROWSER, so there these tests never skip.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not browser_available() and not os.environ.get("RUNSTRONG_REQUIRE_BROWSER"),
        reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
    ),
]


def test_a_coach_approves_in_the_browser_and_the_audit_log_shows_it(world: World):
    with running_server(world.url) as base, chromium() as driver:
        log_in(driver, base, "sam", PASSWORD)
        assert driver.current_url.endswith("/review")
        driver.find_element(By.LINK_TEXT, f"#{world.ana_rec}").click()
        driver.find_element(By.ID, "approve-form")  # waits for the recommendation page
        assert "Rules fired, in order" in driver.page_source
        driver.find_element(By.CSS_SELECTOR, "#approve-form textarea").send_keys("Nice work")
        driver.find_element(By.ID, "approve").click()
        # The old page has a status too: wait (up to 20 s) for the reloaded one to say so.
        wait_for_text(driver, "status", "approved")
        # Another coach's athlete is not there for sam.
        driver.get(f"{base}/recommendations/{world.ben_rec}")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Not found"
    log = CliRunner().invoke(cli, ["--db", world.url, "review", "log", str(world.ana_rec)])
    assert log.exit_code == 0, log.output
    assert "sam: approve (pending -> approved)" in log.output
    assert "note: Nice work" in log.output


def test_an_athlete_checks_in_on_a_phone_and_sees_todays_card(world: World):
    with running_server(world.url) as base, chromium(PHONE) as driver:
        log_in(driver, base, "cleo-user", PASSWORD)
        assert driver.current_url.endswith("/today")
        driver.find_element(By.ID, "go-checkin").click()
        width = driver.execute_script("return document.documentElement.clientWidth")
        assert width <= PHONE[0]
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, "the form fits the phone's width"
        driver.find_element(By.ID, "recovery_pct").send_keys("120")
        driver.find_element(By.ID, "slept_yes").click()
        driver.find_element(By.ID, "soreness").send_keys("2")
        driver.find_element(By.ID, "life_stress").send_keys("3")
        driver.find_element(By.ID, "submit-checkin").click()
        problems = driver.find_element(By.ID, "problems").text
        assert "recovery_pct: Input should be less than or equal to 100" in problems
        field = driver.find_element(By.ID, "recovery_pct")
        field.clear()
        field.send_keys("88")
        driver.find_element(By.ID, "slept_yes").click()
        driver.find_element(By.ID, "submit-checkin").click()
        card = driver.find_element(By.ID, "today-card")
        # cleo has no coach, so her recommendation is final at once (no review to wait for).
        assert "Final" in card.text
        driver.find_element(By.ID, "done").click()
        assert "Logged" in driver.find_element(By.ID, "logged").text
    assert world.store.get_checkin("cleo", world.today).recovery_pct == 88
    assert len(world.store.sessions("cleo")) == 1
