"""Benchmark: the daily commands on a 500-athlete x 365-day database beside the demo database.

Run:  python tests/benchmarks/bench_scale.py [--athletes 500] [--days 365] [--runs 5]
          [--dir DIR] [--db URL] [--only COMMAND ...]

Builds the demo database (``runstrong demo``) and a large one through the store's own API
(``engine.storage.bulk.import_days``: one transaction and three multi-row inserts per athlete,
a few evaluated recommendations reused across the days), then times each command in its own
process and reads that process's peak memory with ``getrusage(RUSAGE_CHILDREN)`` from a small
wrapper process (so each figure is one command's, not the largest so far). ``--db`` builds the
large database on another server (e.g. PostgreSQL) instead of an SQLite file in DIR.

Prints figures; it asserts nothing (the machine is shared and noisy). Targets:
each command on the large database within 2x of the same command on the demo database, and
peak memory under 200 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine.app.demo import (
    DEMO_ATHLETE_ID,
    demo_checkin,
    demo_profile,
    demo_sessions,
    demo_upcoming,
)
from engine.storage.bulk import PastDay, import_days
from engine.storage.store import Store

# Runs one command and prints its wall time, CPU time (user + system) and peak RSS (KB on
# Linux) as JSON: the wrapper's RUSAGE_CHILDREN covers that one child only. CPU time is the
# steadier figure on a shared machine, where wall time mostly measures the other tenants.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_kb": usage.ru_maxrss, "rc": done.returncode,
                  "stderr": done.stderr.decode()[-500:]}))
"""
PENDING_DAYS = 2  # each athlete's last days wait for the coach; older ones were approved


def runstrong() -> list[str]:
    return [sys.executable, "-m", "engine"]


def build_demo(path: Path) -> str:
    url = str(path)
    subprocess.run([*runstrong(), "demo", "--db", url], check=True, stdout=subprocess.DEVNULL)
    return url


def templates(demo_url: str) -> list[tuple[dict, object]]:
    """A week of evaluated (request, recommendation) pairs from the demo, reused every week."""
    store = Store.open(demo_url)
    try:
        days = sorted(
            {stored.date: stored for stored in store.recommendations(DEMO_ATHLETE_ID)}.values(),
            key=lambda stored: stored.date,
        )[-7:]
        return [(stored.request, stored.recommendation) for stored in days]
    finally:
        store.engine.dispose()


def build_large(url: str, athletes: int, days: int, today: dt.date, demo_url: str) -> float:
    start = time.perf_counter()
    pairs = templates(demo_url)
    first = today - dt.timedelta(days=days - 1)
    store = Store.open(url, create=True)
    try:
        for number in range(athletes):
            athlete_id = f"athlete-{number:03d}"
            store.add_athlete(demo_profile(today).model_copy(update={"id": athlete_id}))
            batch = []
            for offset in range(days):
                day = first + dt.timedelta(days=offset)
                request, recommendation = pairs[day.toordinal() % len(pairs)]
                status = "pending" if offset >= days - PENDING_DAYS else "approved"
                kind = recommendation.session.kind  # type: ignore[attr-defined]
                batch.append(
                    PastDay(
                        checkin=demo_checkin(day, today),
                        request=request,
                        recommendation=recommendation,  # type: ignore[arg-type]
                        status=status,
                        sessions=demo_sessions(day, today, kind),
                        upcoming=demo_upcoming(day),
                    )
                )
            import_days(store, athlete_id, batch)
            if number % 50 == 49:
                print(f"  built {number + 1} athletes ({time.perf_counter() - start:.0f} s)")
    finally:
        store.engine.dispose()
    return time.perf_counter() - start


def already_built(url: str) -> bool:
    """Whether the large database is there from an earlier run (then it is reused)."""
    if "://" not in url and not Path(url).exists():
        return False
    store = Store.open(url, create=True)
    try:
        return any(athlete.id == "athlete-000" for athlete in store.list_athletes())
    finally:
        store.engine.dispose()


def measure(args: list[str], runs: int) -> dict[str, float]:
    walls, cpus, peaks = [], [], []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, "-c", MEASURE, *args], capture_output=True, text=True, check=True
        ).stdout
        result = json.loads(output)
        if result["rc"] != 0:
            raise SystemExit(f"{' '.join(args[2:])} failed: {result['stderr']}")
        walls.append(result["wall"])
        cpus.append(result["cpu"])
        peaks.append(result["peak_kb"] / 1024)
    return {
        "median_s": statistics.median(walls),
        "worst_s": max(walls),
        "cpu_s": statistics.median(cpus),
        "peak_mb": max(peaks),
    }


def commands(athlete: str, today: dt.date) -> dict[str, list[str]]:
    checkin = ["--recovery", "85", "--slept-well", "--soreness", "2", "--stress", "3"]
    return {
        "review list": ["review", "list"],
        "review list --athlete": ["review", "list", "--athlete", athlete],
        "history --weeks 52": ["history", athlete, "--weeks", "52"],
        "today": ["today", athlete, "--date", str(today)],
        "checkin": ["checkin", athlete, "--date", str(today), *checkin, "--replace"],
        # Both count over every stored recommendation (keyset pages of JSON, not models).
        "review stats": ["review", "stats"],
        "rules show": ["rules", "show", "RS201"],
    }


def file_size(url: str) -> str:
    path = Path(url)
    return f"{path.stat().st_size / 1e9:.2f} GB" if path.is_file() else "(server)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=500)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="Keep (and reuse) the databases here.")
    parser.add_argument("--db", help="Build the large database at this URL instead.")
    parser.add_argument(
        "--only", action="append", help="Time only this command (repeat), e.g. checkin."
    )
    options = parser.parse_args()
    directory = options.dir or Path(tempfile.mkdtemp(prefix="runstrong-scale-"))
    directory.mkdir(parents=True, exist_ok=True)
    today = dt.date.today()
    demo_path = directory / "demo.db"
    demo_url = str(demo_path) if demo_path.exists() else build_demo(demo_path)
    large_url = options.db or str(directory / f"scale-{options.athletes}x{options.days}.db")
    if not already_built(large_url):
        print(f"building {options.athletes} athletes x {options.days} days at {large_url} ...")
        seconds = build_large(large_url, options.athletes, options.days, today, demo_url)
        rows = options.athletes * options.days
        print(f"built {rows} check-ins in {seconds:.0f} s ({rows / seconds:.0f} days/s)")
    print(f"demo database: {demo_path} ({file_size(demo_url)})")
    print(f"large database: {large_url} ({file_size(large_url)})")
    middle = f"athlete-{options.athletes // 2:03d}"
    large_commands = commands(middle, today)
    demo_commands = commands(DEMO_ATHLETE_ID, today)
    print(
        f"\n{options.runs} runs of each command; wall and CPU (user + system) are medians, "
        "'worst' is the slowest wall, MB the largest peak RSS"
    )
    header = ("command", "demo wall", "large wall", "ratio", "demo cpu", "large cpu", "ratio")
    print(f"{header[0]:<22}" + "".join(f"{name:>11}" for name in header[1:]), end="")
    print(f"{'large worst':>12}{'demo MB':>9}{'large MB':>9}")
    for name, args in large_commands.items():
        if options.only and name not in options.only:
            continue
        demo = measure([*runstrong(), "--db", demo_url, *demo_commands[name]], options.runs)
        large = measure([*runstrong(), "--db", large_url, *args], options.runs)
        print(
            f"{name:<22}{demo['median_s']:>11.3f}{large['median_s']:>11.3f}"
            f"{large['median_s'] / demo['median_s']:>10.2f}x{demo['cpu_s']:>11.3f}"
            f"{large['cpu_s']:>11.3f}{large['cpu_s'] / demo['cpu_s']:>10.2f}x"
            f"{large['worst_s']:>12.3f}{demo['peak_mb']:>9.1f}{large['peak_mb']:>9.1f}"
        )
    print("\ntargets: ratio <= 2.00x, peak < 200 MB")
    if not options.dir:
        print(f"(databases left in {directory}; pass --dir to reuse them)")
    os.environ.pop("RUNSTRONG_DB", None)


if __name__ == "__main__":
    main()
