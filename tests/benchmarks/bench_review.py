"""Benchmark: the server's CPU for one ``/review`` page of a coach of one athlete,
on a database of that one athlete and on one of 500 athletes, side by side.

Run:  python tests/benchmarks/bench_review.py [--athletes 500] [--days 30] [--runs 20]
          [--dir DIR]

Both databases are built like bench_scale's (the demo's evaluated days reused, the last two
days of each athlete pending, older ones approved), then a coach is given ``athlete-000``
only. Each request goes through the whole app in this process (FastAPI's TestClient, bearer
token); the figure is the process's CPU time (user + system) per request, median over the
runs after a warm-up, with wall time beside it. The queue is paged in SQL with the coach's
access in the query, so the large database should cost about the same (target: at most 1.5x).

Prints figures; asserts nothing (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from engine.app.accounts import add_user, assign_coach, issue_token
from engine.evaluation.evaluators import get_evaluator
from engine.storage.store import Store
from engine.web.app import create_app
from tests.benchmarks.bench_scale import build_demo, build_large

COACH = "coach-one"
ATHLETE = "athlete-000"
WARM_UP = 3


def prepare(url: str, athletes: int, days: int, today: dt.date, demo_url: str) -> str:
    """The database with its coach of one athlete; returns the coach's API token."""
    build_large(url, athletes, days, today, demo_url)
    store = Store.open(url, create=True)
    try:
        add_user(store, COACH, "coach", os.urandom(12).hex())
        assign_coach(store, COACH, ATHLETE)
        return issue_token(store, COACH)
    finally:
        store.engine.dispose()


def measure(url: str, token: str, runs: int) -> tuple[float, float, int]:
    """Median CPU and wall seconds per ``GET /review``, and the rows the page showed."""
    store = Store.open(url)
    client = TestClient(create_app(store, get_evaluator()))
    headers = {"Authorization": f"Bearer {token}"}
    cpus, walls = [], []
    page = ""
    for number in range(WARM_UP + runs):
        cpu, wall = time.process_time(), time.perf_counter()
        response = client.get("/review", headers=headers)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if response.status_code != 200:
            raise SystemExit(f"/review answered {response.status_code}: {response.text[:300]}")
        page = response.text
        if number >= WARM_UP:
            cpus.append(cpu)
            walls.append(wall)
    store.engine.dispose()
    return statistics.median(cpus), statistics.median(walls), page.count('class="open"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=500)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="bench-review-"))
    today = dt.date.today()
    demo_url = build_demo(workdir / "demo.db")
    results = {}
    for athletes in (1, args.athletes):
        path = workdir / f"review-{athletes}.db"
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        token = prepare(f"sqlite:///{path}", athletes, args.days, today, demo_url)
        print(
            f"built {athletes} athletes x {args.days} days in {time.perf_counter() - started:.0f} s"
        )
        results[athletes] = measure(f"sqlite:///{path}", token, args.runs)
    small, large = results[1], results[args.athletes]
    print()
    print(f"/review for a coach of 1 athlete, median of {args.runs} requests")
    print(f"{'database':<22} {'CPU ms':>8} {'wall ms':>8} {'rows':>5}")
    for athletes, (cpu, wall, rows) in results.items():
        print(f"{f'{athletes} athlete(s)':<22} {cpu * 1000:8.1f} {wall * 1000:8.1f} {rows:5d}")
    print(f"CPU ratio {args.athletes}:1 = {large[0] / small[0]:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
