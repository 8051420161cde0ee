"""Check-ins from other processes, on SQLite and (when RUNSTRONG_TEST_PG_URL is set)
PostgreSQL: two athletes checking in at the same moment both succeed, and a process killed in
the middle of a check-in leaves the check-in and its recommendation both stored or neither.

No wall-clock deadlines: the tests wait for the workers for as long as they make progress
(tests/progress.py) and fail when nothing moves for minutes, as in a deadlock. The tests that
start many processes one after the other are marked slow; plain ``pytest`` keeps two at once
and a kill in the middle of a write.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import queue
import random
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from engine.storage.db import head_revision
from tests.progress import proc_stat, wait_until
from tests.storage.conftest import row_counts
from tests.storage.workers import CRASH_ENV, concurrent_checkins, open_at_once, racing_checkins

REPO = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 11, 18)


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
    """Run the worker to its end, however long that takes while it makes progress."""
    command = _worker_command(url, athlete, count, *options)
    # Its output goes to files, which never fill up and block the worker as a pipe would.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        worker = subprocess.Popen(command, cwd=REPO, env=_worker_env(**env), stdout=out, stderr=err)
        try:
            wait_until(
                lambda: worker.poll() is not None,
                what=f"the worker {' '.join(command[3:])}",
                watch=lambda: [proc_stat(worker.pid)],
                describe=lambda: _read(err),
            )
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        return subprocess.CompletedProcess(command, worker.returncode, _read(out), _read(err))


def _read(output) -> str:
    output.seek(0)
    return output.read()


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
    outcomes = {
        athlete: (status, detail)
        for athlete, status, detail in _run_together(
            concurrent_checkins, [(db_url, athlete, DAY, 10) for athlete in ("ana", "zoe")]
        )
    }
    assert {athlete: status for athlete, (status, _) in outcomes.items()} == {
        "ana": "ok",
        "zoe": "ok",
    }, outcomes
    days = [DAY + dt.timedelta(days=n) for n in range(10)]
    for athlete in ("ana", "zoe"):
        assert len(outcomes[athlete][1]) == 10
        checkin_days, rec_days, unpaired = _pairs(store, athlete)
        assert checkin_days == rec_days == days
        assert unpaired == []
        assert store.recommendation_for(athlete, DAY).id == outcomes[athlete][1][0]
    assert row_counts(store.engine)["recommendations"] == 20


def _run_together(target, args_per_process) -> list[Any]:
    """Start one spawned process per argument tuple, released together by a barrier; return
    what each put on the queue (in the order they finished), once all have exited.

    The workers wait at the barrier without a time limit (one may take long to start on a
    loaded machine); when one dies, the barrier is broken so the others stop too, and the
    test fails on the exit codes. A worker that hangs fails the test when nothing has moved
    for minutes (tests/progress.py)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(args_per_process))
    results = context.Queue()
    workers = [
        context.Process(target=target, args=(*args, barrier, results)) for args in args_per_process
    ]
    outcomes: list[Any] = []

    def all_exited() -> bool:
        if any(worker.exitcode not in (None, 0) for worker in workers):
            barrier.abort()
        # Looked at before the queue: a process flushes what it put there before it exits, so
        # once all have exited an empty queue means every outcome is in.
        exited = not any(worker.is_alive() for worker in workers)
        try:
            outcomes.append(results.get(timeout=0.05))
        except queue.Empty:
            return exited
        return False

    for worker in workers:
        worker.start()
    try:
        wait_until(
            all_exited,
            what=f"{len(workers)} processes running {target.__name__}",
            watch=lambda: [proc_stat(worker.pid) for worker in workers if worker.pid],
            progress=lambda: (len(outcomes), [worker.exitcode for worker in workers]),
            describe=lambda: f"Exit codes {[w.exitcode for w in workers]}, outcomes {outcomes}.",
        )
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()
    assert [worker.exitcode for worker in workers] == [0] * len(workers), outcomes
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


@pytest.mark.slow  # four processes starting up
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


@pytest.mark.slow  # four worker processes, one after the other
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


KILL_ROUNDS = 10


def _stored(store, athlete: str) -> int:
    with store.engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT COUNT(*) FROM checkins WHERE athlete_id = :a"), {"a": athlete}
            ).scalar_one()
        )


def _kill_once(db_url: str, store, athlete: str, rng: random.Random) -> tuple[int, str]:
    """Start a worker checking ``athlete`` in day after day and SIGKILL it once it has stored
    one to three check-ins, up to 0.4 s later (a moment set by its progress and chance, not by
    the clock); return its exit status and standard error."""
    stored_before_kill = rng.randint(1, 3)
    with tempfile.TemporaryFile("w+") as err:
        worker = subprocess.Popen(
            _worker_command(db_url, athlete, 1000),
            cwd=REPO,
            env=_worker_env(),
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        assert worker.stdout is not None
        stdout = worker.stdout
        try:
            wait_until(
                lambda: worker.poll() is not None or select.select([stdout], [], [], 0)[0],
                what="the worker getting ready",
                watch=lambda: [proc_stat(worker.pid)],
                describe=lambda: _read(err),
            )
            assert stdout.readline() == "ready\n", _read(err)
            wait_until(
                lambda: worker.poll() is not None or _stored(store, athlete) >= stored_before_kill,
                what=f"the worker storing {stored_before_kill} check-ins",
                watch=lambda: [proc_stat(worker.pid)],
                progress=lambda: _stored(store, athlete),
                describe=lambda: _read(err),
                poll_s=0.1,
            )
            time.sleep(rng.uniform(0, 0.4))
            worker.kill()
            worker.wait()
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            stdout.close()
        return worker.returncode, _read(err)


@pytest.mark.slow  # ten worker processes, one after the other
def test_sigkill_at_random_moments_leaves_both_or_neither(db_url, store, profile):
    """A process checking in day after day is SIGKILLed at a random moment, again and again:
    after each kill every stored check-in has exactly one recommendation and vice versa, and
    the stored days have no gap."""
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    stored_total = kills = 0
    for iteration in range(KILL_ROUNDS):
        athlete = f"runner-{iteration}"
        store.add_athlete(profile(athlete))
        returncode, stderr = _kill_once(db_url, store, athlete, rng)
        kills += returncode == -9
        assert returncode in (-9, 0), f"seed {seed}: worker failed:\n{stderr}"
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
