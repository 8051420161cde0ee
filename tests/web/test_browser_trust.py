"""In a real headless Chromium against ``runstrong serve``: another site cannot frame a
logged-in page (the approve button is never live inside a frame), the stylesheet still loads
under the strict CSP, and a user changes their own password on a phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.web.browser import PHONE, browser_available, chromium, log_in, running_server
from tests.web.conftest import PASSWORD, World

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not browser_available() and not os.environ.get("RUNSTRONG_REQUIRE_BROWSER"),
        reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
    ),
]


def test_another_page_cannot_frame_a_logged_in_recommendation(world: World, tmp_path: Path):
    framing = tmp_path / "framing.html"
    with running_server(world.url) as base, chromium() as driver:
        log_in(driver, base, "sam", PASSWORD)
        driver.get(f"{base}/recommendations/{world.ana_rec}")
        assert driver.find_elements(By.ID, "approve")  # the page itself works
        framing.write_text(
            f'<html><body><iframe id="victim" src="{base}/recommendations/{world.ana_rec}">'
            "</iframe></body></html>"
        )
        driver.get(framing.as_uri())
        driver.switch_to.frame(driver.find_element(By.ID, "victim"))
        driver.implicitly_wait(1)
        assert driver.find_elements(By.ID, "approve") == []
        assert not driver.execute_script("return document.URL").startswith(base)


def test_a_user_changes_their_password_on_a_phone(world: World):
    new = "my new and longer passphrase"
    with running_server(world.url) as base, chromium(PHONE) as driver:
        log_in(driver, base, "cleo-user", PASSWORD)
        # The stylesheet applies under the CSP: the brand is bold, not the browser's default.
        brand = driver.find_element(By.CSS_SELECTOR, ".brand")
        assert brand.value_of_css_property("font-weight") == "700"
        driver.find_element(By.LINK_TEXT, "Password").click()
        driver.find_element(By.ID, "current").send_keys(PASSWORD)
        driver.find_element(By.ID, "new").send_keys(new)
        driver.find_element(By.ID, "confirm").send_keys(new)
        driver.find_element(By.ID, "change").click()
        assert "Password changed" in driver.find_element(By.ID, "notice").text
        log_in(driver, base, "cleo-user", new)
        assert driver.current_url.endswith("/today")
