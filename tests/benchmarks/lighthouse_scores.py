"""Lighthouse accessibility scores of every coach and athlete page, at phone and desktop size.

Builds a demo database with a coach and an athlete account, starts ``runstrong serve`` on
127.0.0.1, and runs Lighthouse (from npm; it is not a test dependency) against Debian's
Chromium with each account's bearer token. Prints one line per page and size, with the score
and the failed audits; asserts nothing (the axe test, tests/web/test_accessibility.py, is the
check that runs in CI).

    npm install --prefix /tmp/lh lighthouse@12
    python tests/benchmarks/lighthouse_scores.py --lighthouse /tmp/lh/node_modules/.bin/lighthouse
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run"
)
COACH_PAGES = ("/review", "/recommendations/12", "/athletes/demo-runner", "/account/password")
ATHLETE_PAGES = ("/today", "/checkin")


def _runstrong(db: str, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "engine", "--db", db, *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _token(output: str) -> str:
    return max(output.split(), key=len)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {url} did not start")


def _score(lighthouse: str, url: str, token: str | None, desktop: bool, out: Path) -> str:
    args = [
        lighthouse,
        url,
        "--quiet",
        "--only-categories=accessibility",
        "--chrome-path=/usr/bin/chromium",
        f"--chrome-flags={CHROMIUM_FLAGS}",
        "--output=json",
        f"--output-path={out}",
    ]
    if token:
        args.append(f'--extra-headers={{"Authorization": "Bearer {token}"}}')
    if desktop:
        args.append("--preset=desktop")
    subprocess.run(args, capture_output=True, check=True)
    report = json.loads(out.read_text())
    failed = [
        audit["id"]
        for audit in report["audits"].values()
        if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0
    ]
    score = round(report["categories"]["accessibility"]["score"] * 100)
    return f"{score:>3}" + (f"  failed: {', '.join(failed)}" if failed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse", default="lighthouse", help="the lighthouse command")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        db = f"sqlite:///{Path(work) / 'demo.db'}"
        _runstrong(db, "demo")
        _runstrong(db, "user", "add", "sam", "--role", "coach", "--password-stdin",
                   stdin="a-long-coach-password-42\n")  # fmt: skip
        _runstrong(db, "coach", "assign", "sam", "demo-runner")
        _runstrong(db, "user", "add", "runner", "--role", "athlete", "--athlete", "demo-runner",
                   "--password-stdin", stdin="a-long-athlete-password-42\n")  # fmt: skip
        coach = _token(_runstrong(db, "user", "token", "sam"))
        athlete = _token(_runstrong(db, "user", "token", "runner"))
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "engine", "--db", db, "serve", "--host", "127.0.0.1",
             "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=os.environ.copy(),
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(f"{base}/login")
            out = Path(work) / "report.json"
            pages = [(path, coach) for path in COACH_PAGES]
            pages += [(path, athlete) for path in ATHLETE_PAGES]
            pages += [("/login", None)]
            print(f"{'page':<28} {'phone':>5}  {'desktop':>7}")
            for path, token in pages:
                phone = _score(options.lighthouse, base + path, token, False, out)
                desktop = _score(options.lighthouse, base + path, token, True, out)
                print(f"{path:<28} {phone:>5}  {desktop:>7}")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
