"""Helpers for the end-to-end tests and the screenshot script: a real ``runstrong serve`` on
127.0.0.1 and Debian's headless Chromium driven by Selenium (nothing is downloaded)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.progress import proc_stat, wait_until

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
PHONE = (390, 844)
DESKTOP = (1280, 900)


def browser_available() -> bool:
    return os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(db_url: str) -> Iterator[str]:
    """``runstrong serve`` in a child process; yields its base URL."""
    with serving(db_url) as (base, _process):
        yield base


# What uvicorn logs once it holds its port, and when another process took the port first.
LISTENING = "Uvicorn running on http://127.0.0.1:{port} "
PORT_TAKEN = "address already in use"
START_ATTEMPTS = 3


class PortTaken(RuntimeError):
    """The port found free was taken by another process before the server bound it."""


@contextmanager
def serving(db_url: str, *extra: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``runstrong serve [EXTRA...]`` in a child process; yields its base URL and process.

    The port is one the kernel just gave out as free, so another process can take it before
    the server binds it: then the server is started again on another port. The server is
    ready once its own log says it listens and it answers, so a test never talks to a
    server of another test's that happens to hold the port."""
    for attempt in range(START_ATTEMPTS):
        try:
            with _serving_on(_free_port(), db_url, *extra) as served:
                yield served
            return
        except PortTaken:
            if attempt == START_ATTEMPTS - 1:
                raise


@contextmanager
def _serving_on(
    port: int, db_url: str, *extra: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    command = [
        sys.executable,
        "-c",
        "from engine.cli.main import main; main()",
        "--db",
        db_url,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra,
    ]
    # The server's log goes to a file: a pipe nobody reads fills up (64 KB of access log
    # lines) and then blocks the server.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"

        def output() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")

        def answers() -> bool:
            said = output()
            if PORT_TAKEN in said:
                raise PortTaken(said)
            if process.poll() is not None:
                raise RuntimeError(f"runstrong serve did not start:\n{said}")
            if LISTENING.format(port=port) not in said:
                return False
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2):
                    return True
            except (urllib.error.URLError, ConnectionError):
                return False

        try:
            # However long a loaded machine takes to start it, while it makes progress.
            wait_until(
                answers,
                what="runstrong serve answering",
                watch=lambda: [proc_stat(process.pid)],
                poll_s=0.2,
            )
            yield base, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def chromium(size: tuple[int, int] = DESKTOP) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # The console's messages, for the tests that want it clean (driver.get_log("browser")).
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    for flag in FLAGS:
        options.add_argument(flag)
    if size[0] < DESKTOP[0]:
        # A phone: headless windows have a minimum width, so emulate the device's screen.
        metrics = {"width": size[0], "height": size[1], "pixelRatio": 2, "mobile": True}
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
    options.add_argument(f"--window-size={max(size[0], 500)},{size[1]}")
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def log_in(driver: WebDriver, base: str, name: str, password: str) -> None:
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login").click()
    driver.find_element(By.CSS_SELECTOR, "header .who")  # waits for the logged-in page


def wait_for_text(driver: WebDriver, element_id: str, text: str, seconds: int = 20) -> None:
    """Wait for the page that replaces this one (after a form post) to show ``text`` in the
    element. While the page is replaced the element may belong to the old document: Chromium
    then answers with an inspector error rather than a stale-element one; both mean "look
    again", and the wait still fails if the text never shows."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    shown = expected_conditions.text_to_be_present_in_element((By.ID, element_id), text)
    ignored = (StaleElementReferenceException, WebDriverException)
    WebDriverWait(driver, seconds, ignored_exceptions=ignored).until(shown)
