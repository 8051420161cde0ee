"""Benchmark: ``runstrong serve --workers 2`` under load, on SQLite and on PostgreSQL.

Run:  python tests/benchmarks/bench_serve_load.py [--seconds 60] [--athletes 50] [--workers 2]
          [--pause 1.0] [--backend sqlite|postgresql|both] [--pg-url postgresql://...]

A fresh database gets ``--athletes`` athletes, each with an athlete user and an API token, and
one coach who coaches them all. A real ``runstrong serve`` on 127.0.0.1 then takes, for
``--seconds``: every athlete checking in again and again (``replace: true`` for their today,
each check-in a full evaluation and a write, a random pause of ``--pause`` seconds on average
between two), and the coach paging the pending queue and
approving what it finds. It prints, per operation, the throughput, p50/p99 latency and the
answers that were not successes (409 for a recommendation superseded between the coach's read
and the approval is the expected race, counted apart from errors), then counts rows in the
database afterwards: every acknowledged check-in must have its recommendation, every
acknowledged approval its audit event, and each athlete one check-in for the day (nothing
acknowledged lost, nothing duplicated). It asserts nothing but the row counts: the machine is
shared, so read the figures as they come.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from argon2 import PasswordHasher  # noqa: E402

from engine.app import accounts  # noqa: E402
from engine.app.accounts import add_user, assign_coach, issue_token  # noqa: E402
from engine.storage.store import Store  # noqa: E402
from tests.web.browser import serving  # noqa: E402
from tests.web.conftest import profile  # noqa: E402

PASSWORD = "bench password that is long"
# How long the coach waits before looking at an empty queue again.
COACH_PAUSE_S = 0.5


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    checked_in: list[int] = field(default_factory=list)  # acknowledged recommendation ids
    approved: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, operation: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies[operation].append(seconds)
            self.statuses[operation][status] += 1


def _database(backend: str, pg_url: str | None, scratch: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{scratch / 'load.db'}"
    if not pg_url:
        raise SystemExit("--pg-url is needed for PostgreSQL (a server URL; a database is made)")
    import psycopg

    name = f"runstrong_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return pg_url.rsplit("/", 1)[0] + f"/{name}"


def _populate(url: str, athletes: int) -> tuple[dict[str, str], str]:
    """Athletes with a user and a token each, one coach for all; tokens by athlete id."""
    # Cheap hashing for the setup only: the server hashes nothing in this benchmark.
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    store = Store.open(url, create=True)
    today = dt.date.today()
    add_user(store, "coach", "coach", PASSWORD)
    tokens = {}
    for index in range(athletes):
        athlete_id = f"a{index:03d}"
        store.add_athlete(profile(athlete_id, today))
        add_user(store, f"{athlete_id}-user", "athlete", PASSWORD, athlete_id=athlete_id)
        assign_coach(store, "coach", athlete_id)
        tokens[athlete_id] = issue_token(store, f"{athlete_id}-user")
    coach_token = issue_token(store, "coach")
    store.engine.dispose()
    return tokens, coach_token


def _call(
    connection: http.client.HTTPConnection, method: str, path: str, token: str, body: Any = None
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    payload = None if body is None else json.dumps(body)
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = response.read()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, None


def _athlete(
    port: int, athlete_id: str, token: str, until: float, pause: float, tally: Tally
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    turn = 0
    pace = random.Random(athlete_id)
    while time.monotonic() < until:
        turn += 1
        # A person between two check-ins (the same athlete again: a corrected answer).
        time.sleep(pace.uniform(0, 2 * pause))
        body = {
            "checkin": {
                "date": dt.date.today().isoformat(),
                "recovery_pct": 70 + turn % 30,
                "slept_well": turn % 2 == 0,
                "soreness": turn % 5,
                "life_stress": 3,
                "planned": "strength",
            },
            "replace": True,
        }
        start = time.perf_counter()
        try:
            status, data = _call(
                connection, "POST", f"/api/athletes/{athlete_id}/checkins", token, body
            )
        except (OSError, http.client.HTTPException):
            status, data = 599, None
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        tally.record("check-in", status, time.perf_counter() - start)
        if status == 201:
            with tally.lock:
                tally.checked_in.append(int(data["id"]))


def _coach(port: int, token: str, until: float, tally: Tally) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while time.monotonic() < until:
        start = time.perf_counter()
        status, items = _call(
            connection, "GET", "/api/recommendations?status=pending&limit=50", token
        )
        tally.record("queue page", status, time.perf_counter() - start)
        if status == 200 and not items:
            time.sleep(COACH_PAUSE_S)  # nothing to decide: the coach looks again shortly
        for item in items if status == 200 else []:
            if time.monotonic() >= until:
                break
            start = time.perf_counter()
            path = f"/api/recommendations/{item['id']}/approve"
            status, _ = _call(connection, "POST", path, token, {"note": "load test"})
            tally.record("approve", status, time.perf_counter() - start)
            if status == 200:
                with tally.lock:
                    tally.approved.append(int(item["id"]))


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _report(tally: Tally, seconds: float) -> None:
    print(f"{'operation':<12} {'count':>7} {'per s':>7} {'p50 ms':>8} {'p99 ms':>8}  answers")
    for operation, latencies in sorted(tally.latencies.items()):
        answers = ", ".join(f"{code}: {n}" for code, n in sorted(tally.statuses[operation].items()))
        print(
            f"{operation:<12} {len(latencies):>7} {len(latencies) / seconds:>7.1f} "
            f"{statistics.median(latencies) * 1000:>8.0f} "
            f"{_percentile(latencies, 0.99) * 1000:>8.0f}  {answers}"
        )
    total = sum(len(values) for values in tally.latencies.values())
    expected = {200, 201, 409}
    errors = sum(
        n
        for counts in tally.statuses.values()
        for code, n in counts.items()
        if code not in expected
    )
    print(f"all: {total / seconds:.1f} requests/s; errors (not 200/201/409): {errors}")


def _count_rows(url: str, tally: Tally, athletes: int) -> bool:
    from sqlalchemy import text

    store = Store.open(url)
    with store.reading() as session:
        stored = set(session.execute(text("SELECT id FROM recommendations")).scalars())
        approvals = set(
            session.execute(
                text("SELECT recommendation_id FROM review_events WHERE action = 'approve'")
            ).scalars()
        )
        checkins = session.execute(text("SELECT COUNT(*) FROM checkins")).scalar_one()
        status_counts = dict(
            session.execute(
                text("SELECT status, COUNT(*) FROM recommendations GROUP BY status")
            ).all()
        )
    store.engine.dispose()
    lost_checkins = set(tally.checked_in) - stored
    lost_approvals = set(tally.approved) - approvals
    print(
        f"rows: {len(stored)} recommendations {status_counts}, {checkins} check-ins, "
        f"{len(approvals)} approvals recorded"
    )
    print(
        f"acknowledged: {len(tally.checked_in)} check-ins, {len(tally.approved)} approvals; "
        f"lost: {len(lost_checkins)} check-ins, {len(lost_approvals)} approvals; "
        f"check-in rows {checkins} for {athletes} athletes (one each for the day)"
    )
    return not lost_checkins and not lost_approvals and checkins == athletes


def run(
    backend: str, pg_url: str | None, seconds: float, athletes: int, workers: int, pause: float
) -> bool:
    with tempfile.TemporaryDirectory() as scratch:
        url = _database(backend, pg_url, Path(scratch))
        tokens, coach_token = _populate(url, athletes)
        print(f"\n== {backend}: serve --workers {workers}, {athletes} athletes + 1 coach")
        tally = Tally()
        with serving(url, "--workers", str(workers)) as (base, _process):
            port = int(base.rsplit(":", 1)[1])
            until = time.monotonic() + seconds
            threads = [
                threading.Thread(
                    target=_athlete, args=(port, athlete_id, token, until, pause, tally)
                )
                for athlete_id, token in tokens.items()
            ]
            threads.append(threading.Thread(target=_coach, args=(port, coach_token, until, tally)))
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        _report(tally, elapsed)
        return _count_rows(url, tally, athletes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--athletes", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pause", type=float, default=1.0, help="mean seconds an athlete waits between check-ins"
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", help="a PostgreSQL server URL (also RUNSTRONG_TEST_PG_URL)")
    args = parser.parse_args()
    import os

    pg_url = args.pg_url or os.environ.get("RUNSTRONG_TEST_PG_URL")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    sound = [
        run(b, pg_url, args.seconds, args.athletes, args.workers, args.pause) for b in backends
    ]
    if not all(sound):
        raise SystemExit("acknowledged writes are missing from the database")


if __name__ == "__main__":
    main()
