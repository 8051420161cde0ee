"""Check-ins from other processes, on SQLite and (when RUNSTRONG_TEST_PG_URL is set)
PostgreSQL: two athletes checking in at the same moment both succeed, and a process killed in
the middle of a check-in leaves the check-in and its recommendation both stored or neither."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from engine.storage.db import head_revision
from tests.storage.conftest import row_counts
from tests.storage.workers import CRASH_ENV, concurrent_checkins, open_at_once, racing_checkins

REPO = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 11, 18)

pytestmark = pytest.mark.slow


def _worker_command(url: str, athlete: str, count: int, *options: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "tests.storage.workers",
        url,
        athlete,
        DAY.isoformat(),
        str(count),
        *options,
    ]


def _worker_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != CRASH_ENV}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def _run_worker(url: str, athlete: str, count: int, *options: str, **env: str):
    return subprocess.run(
        _worker_command(url, athlete, count, *options),
        cwd=REPO,
        env=_worker_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _pairs(store, athlete: str) -> tuple[list[dt.date], list[dt.date], list[int]]:
    """(check-in days, recommendation days, check-ins whose recommendation count is not 1)."""
    with store.engine.connect() as connection:
        checkin_days = connection.execute(
            text("SELECT date FROM checkins WHERE athlete_id = :a ORDER BY date"), {"a": athlete}
        ).scalars()
        checkin_days = list(checkin_days)
        rec_days = list(
            connection.execute(
                text("SELECT date FROM recommendations WHERE athlete_id = :a ORDER BY date"),
                {"a": athlete},
            ).scalars()
        )
        unpaired = list(
            connection.execute(
                text(
                    "SELECT c.id FROM checkins c LEFT JOIN recommendations r"
                    " ON r.checkin_id = c.id WHERE c.athlete_id = :a"
                    " GROUP BY c.id HAVING COUNT(r.id) <> 1"
                ),
                {"a": athlete},
            ).scalars()
        )
    # SQLite hands dates back to plain SQL as text.
    as_date = lambda value: dt.date.fromisoformat(value) if isinstance(value, str) else value  # noqa: E731
    return [as_date(d) for d in checkin_days], [as_date(d) for d in rec_days], unpaired


def test_two_athletes_check_in_at_the_same_moment(db_url, store, profile):
    """Two processes, one athlete each, released together by a barrier, each checking in ten
    days as fast as it can: every check-in of both succeeds."""
    store.add_athlete(profile("ana"))
    store.add_athlete(profile("zoe"))
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    processes = [
        context.Process(
            target=concurrent_checkins, args=(db_url, athlete, DAY, 10, barrier, results)
        )
        for athlete in ("ana", "zoe")
    ]
    for process in processes:
        process.start()
    try:
        outcomes = {}
        for _ in processes:
            athlete, status, detail = results.get(timeout=120)
            outcomes[athlete] = (status, detail)
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
    assert {athlete: status for athlete, (status, _) in outcomes.items()} == {
        "ana": "ok",
        "zoe": "ok",
    }, outcomes
    assert [process.exitcode for process in processes] == [0, 0]
    days = [DAY + dt.timedelta(days=n) for n in range(10)]
    for athlete in ("ana", "zoe"):
        assert len(outcomes[athlete][1]) == 10
        checkin_days, rec_days, unpaired = _pairs(store, athlete)
        assert checkin_days == rec_days == days
        assert unpaired == []
        assert store.recommendation_for(athlete, DAY).id == outcomes[athlete][1][0]
    assert row_counts(store.engine)["recommendations"] == 20


def _run_together(target, args_per_process, timeout=120):
    """Start one spawned process per argument tuple, released together by a barrier; return
    what each put on the queue (in the order they finished)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(args_per_process))
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(*args, barrier, results)) for args in args_per_process
    ]
    for process in processes:
        process.start()
    try:
        outcomes = [results.get(timeout=timeout) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
    assert [process.exitcode for process in processes] == [0] * len(processes), outcomes
    return outcomes


def test_same_athlete_same_day_at_once_stores_one(db_url, store, profile):
    """Two processes check the same athlete in for the same ten days at the same moment:
    each day exactly one succeeds and the other is refused as already checked in (never a
    duplicate, never another error)."""
    store.add_athlete(profile("ana"))
    outcomes = _run_together(racing_checkins, [(db_url, "ana", DAY, 10)] * 2)
    assert [status for status, _ in outcomes] == ["ok", "ok"], outcomes
    first, second = (days for _, days in outcomes)
    assert sorted(zip(first, second, strict=True)) == sorted(
        [("ok", "exists") if a == "ok" else ("exists", "ok") for a in first]
    )
    checkin_days, rec_days, unpaired = _pairs(store, "ana")
    assert checkin_days == rec_days == [DAY + dt.timedelta(days=n) for n in range(10)]
    assert unpaired == []


def test_first_use_by_several_processes_at_once(db_url):
    """Four processes open a database nobody has opened yet at the same moment: each one
    finds it migrated to the newest revision (one migrates, the others wait for it)."""
    outcomes = _run_together(open_at_once, [(db_url,)] * 4)
    assert outcomes == [("ok", head_revision())] * 4


@pytest.mark.parametrize("point", ["after_checkin_write", "before_commit"])
def test_killed_during_the_write_leaves_neither(db_url, store, profile, point):
    """The process dies (exit 137, as from a kill) after the check-in row is written, or with
    both rows written but not committed: neither is stored, and the next check-in works."""
    store.add_athlete(profile("ana"))
    crashed = _run_worker(db_url, "ana", 1, **{CRASH_ENV: point})
    assert crashed.returncode == 137, crashed.stderr
    assert crashed.stdout.split() == ["ready"]
    assert store.get_checkin("ana", DAY) is None
    assert store.recommendation_for("ana", DAY) is None
    counts = row_counts(store.engine)
    assert (counts["checkins"], counts["recommendations"]) == (0, 0)

    retried = _run_worker(db_url, "ana", 1)
    assert retried.returncode == 0, retried.stderr
    assert _pairs(store, "ana") == ([DAY], [DAY], [])


@pytest.mark.parametrize("point", ["after_checkin_write", "before_commit"])
def test_killed_during_a_replace_keeps_the_old_pair(db_url, store, profile, checkin, point):
    """A replacing check-in killed half-way: the old check-in is unchanged and its
    recommendation is still the current one (not superseded)."""
    store.add_athlete(profile("ana"))
    first = _run_worker(db_url, "ana", 1)
    assert first.returncode == 0, first.stderr
    before = store.recommendation_for("ana", DAY)
    assert before is not None

    crashed = _run_worker(db_url, "ana", 1, "--replace", "--recovery-pct=40", **{CRASH_ENV: point})
    assert crashed.returncode == 137, crashed.stderr
    assert store.get_checkin("ana", DAY) == checkin(DAY)
    assert store.recommendation_for("ana", DAY) == before
    assert store.get_recommendation(before.id).status == "final"
    counts = row_counts(store.engine)
    assert (counts["checkins"], counts["recommendations"]) == (1, 1)


def test_sigkill_at_random_moments_leaves_both_or_neither(db_url, store, profile):
    """A process checking in day after day is SIGKILLed at a random moment, again and again
    (at most 15 times, at most 90 s): after each kill every stored check-in has exactly one
    recommendation and vice versa, and the stored days have no gap."""
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    deadline = time.monotonic() + 90
    stored_total = kills = 0
    for iteration in range(15):
        if time.monotonic() > deadline:
            break
        athlete = f"runner-{iteration}"
        store.add_athlete(profile(athlete))
        process = subprocess.Popen(
            _worker_command(db_url, athlete, 1000),
            cwd=REPO,
            env=_worker_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            readable, _, _ = select.select([process.stdout], [], [], 60)
            assert readable, "the worker did not get ready within 60 s"
            assert process.stdout.readline() == "ready\n", process.stderr.read()
            time.sleep(rng.uniform(0, 0.4))
            process.kill()
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
            stderr = process.stderr.read()
            process.stderr.close()
        kills += process.returncode == -9
        assert process.returncode in (-9, 0), f"seed {seed}: worker failed:\n{stderr}"
        checkin_days, rec_days, unpaired = _pairs(store, athlete)
        context = f"seed {seed}, iteration {iteration}"
        assert checkin_days == rec_days, context
        assert unpaired == [], context
        assert checkin_days == [DAY + dt.timedelta(days=n) for n in range(len(checkin_days))]
        stored_total += len(checkin_days)
    assert kills >= 1
    assert stored_total > 0  # the kills landed while check-ins were being written
    # The store still works after all that.
    assert store.list_athletes()[0].id == "runner-0"
    counts = row_counts(store.engine)
    assert counts["checkins"] == counts["recommendations"] == stored_total
