"""Take the README's screenshots of the web app (docs/screenshots/): a demo database with the
demo athlete's four weeks, a coach and an athlete user, served by ``runstrong serve`` and
photographed in headless Chromium.

    python -m tests.web.screenshots [OUT_DIR]
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from engine.app.accounts import add_user, assign_coach
from engine.app.checkin import check_in
from engine.app.demo import create_demo
from engine.app.review import approve
from engine.app.triage import TriageItem, triage
from engine.evaluation.evaluators import get_evaluator
from engine.rulebook.ruleset import load_engine_settings
from engine.storage.store import Store
from tests.web.browser import DESKTOP, PHONE, chromium, log_in, running_server
from tests.web.conftest import PASSWORD, checkin, profile

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _when(item: TriageItem) -> tuple[dt.date, int]:
    return item.date, item.id


def demo_database(directory: Path) -> tuple[str, int]:
    url = f"sqlite:///{directory / 'demo.db'}"
    store = Store.open(url, create=True)
    evaluator = get_evaluator()
    today = dt.date.today()
    athlete = create_demo(store, evaluator, today)
    store.add_athlete(profile("ana", today))
    add_user(store, "coach-pat", "coach", PASSWORD)
    add_user(store, "demo-user", "athlete", PASSWORD, athlete_id=athlete)
    assign_coach(store, "coach-pat", athlete)
    assign_coach(store, "coach-pat", "ana")
    check_in(
        store,
        evaluator,
        "ana",
        checkin(today, planned="hiit", recovery_pct=72, pain=[{"area": "knee", "severity": 4}]),
    )
    pending = triage(store, load_engine_settings(), "all", athlete_id=athlete, limit=100).items
    oldest_first = sorted((item for item in pending if item.status == "pending"), key=_when)
    for item in oldest_first[:-3]:  # the coach has kept up, bar the last few days
        approve(store, item.id, "coach-pat", None)
    today_rec = store.recommendation_for(athlete, today)
    assert today_rec is not None
    return url, today_rec.id


def _shoot(driver: WebDriver, path: Path, full: bool = True) -> None:
    if full:
        width = driver.get_window_size()["width"]
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(height + 140, 4000))
    driver.save_screenshot(str(path))
    print(f"wrote {path}")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        url, rec_id = demo_database(Path(directory))
        with running_server(url) as base:
            with chromium(DESKTOP) as driver:
                log_in(driver, base, "coach-pat", PASSWORD)
                _shoot(driver, out / "review-queue.png", full=False)
                driver.get(f"{base}/recommendations/{rec_id}")
                _shoot(driver, out / "recommendation.png")
                driver.set_window_size(*DESKTOP)
                driver.get(f"{base}/athletes/demo-runner")
                _shoot(driver, out / "athlete-history.png")
            with chromium(PHONE) as driver:
                driver.get(f"{base}/login")
                _shoot(driver, out / "phone-login.png", full=False)
                log_in(driver, base, "demo-user", PASSWORD)
                _shoot(driver, out / "phone-today.png")
                driver.get(f"{base}/checkin")
                driver.find_element(By.ID, "recovery_pct").send_keys("140")
                driver.find_element(By.ID, "submit-checkin").click()
                driver.find_element(By.ID, "problems")
                _shoot(driver, out / "phone-checkin-errors.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
