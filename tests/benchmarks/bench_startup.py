"""Benchmark: CPU and wall time of whole commands, as a person at a terminal waits for them.

Run:  python tests/benchmarks/bench_startup.py [--runs N] [--before GIT_REF]

Each command runs N times in a fresh process (``python -m engine ...``); the median CPU time
(user + system) of the process is printed beside its median wall time and its ratio to a bare
``python -c pass`` of the same interpreter, measured in the same run, interleaved with the
commands. CPU time is what other work on a shared machine disturbs least; wall time there is
mostly waiting for a core. With ``--before REF`` the same commands also run on the tree of that
git ref (exported to a temporary directory, same interpreter and packages), alternating run by
run with the current tree so both see the same machine load. ``today`` and ``checkin`` run on a
demo database made by each tree's own ``runstrong demo``; each tree's cache of loaded rules
(``RUNSTRONG_CACHE_DIR``) and its bytecode (``PYTHONPYCACHEPREFIX``) are warmed by the first,
unmeasured run, as a person's are by the first command of the day. It asserts nothing: this
machine is shared and noisy, so read medians and ratios.

Targets, in CPU time: ``today`` <= 15x bare Python, ``review list`` <= 0.25 s,
``checkin`` <= 25x, ``evaluate`` of one request <= 0.30 s.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REQUEST = "rules/fixtures/base_request.yaml"
# checkin before today, so today finds a check-in even when the date changed since the demo.
COMMANDS = ("--help", "checkin", "today", "review list", "evaluate")
# (limit, unit): "x" is a multiple of the bare interpreter's CPU time, "s" CPU seconds.
TARGETS: dict[str, tuple[float, str]] = {
    "today": (15, "x"),
    "review list": (0.25, "s"),
    "checkin": (25, "x"),
    "evaluate": (0.30, "s"),
}
BARE = "bare python"
DEMO = "demo-runner"


def commands(db: str) -> dict[str, list[str]]:
    checkin = ["--recovery", "85", "--slept-well", "--soreness", "2", "--stress", "3"]
    return {
        "--help": ["--help"],
        "today": ["--db", db, "today", DEMO],
        "review list": ["--db", db, "review", "list"],
        "checkin": ["--db", db, "checkin", DEMO, *checkin, "--replace"],
        "evaluate": ["evaluate", "--input", REQUEST],
    }


def run(tree: Path, args: list[str], cache: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one command in a fresh process (``args`` None: bare Python).

    The command's modules run from bytecode, as an installed package's do (pip compiles them):
    their caches go to a directory beside ``cache`` (PYTHONPYCACHEPREFIX), never into the tree,
    even where the environment sets PYTHONDONTWRITEBYTECODE (every module compiled from source
    on every run cost ~0.03-0.04 s of CPU here)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    if cache is not None:
        env["RUNSTRONG_CACHE_DIR"] = str(cache)
        env["PYTHONPYCACHEPREFIX"] = str(cache.parent / "pycache")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    argv = [sys.executable, "-c", "pass"] if args == [BARE] else [sys.executable, "-m", "engine"]
    argv += [] if args == [BARE] else args
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=tree, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed in {tree}:\n{result.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def measure(
    trees: dict[str, Path], runs: int, workdir: Path
) -> dict[str, dict[str, tuple[float, float]]]:
    """Median (wall, CPU) per tree and command, the trees' runs interleaved, and a bare Python
    start before every command run."""
    dbs, caches = {}, {}
    for label, tree in trees.items():
        (workdir / label).mkdir()
        dbs[label] = f"sqlite:///{workdir / label / 'bench.db'}"
        caches[label] = workdir / label / "cache"
        run(tree, ["--db", dbs[label], "demo"], caches[label])
    out: dict[str, dict[str, tuple[float, float]]] = {label: {} for label in trees}
    bare: list[tuple[float, float]] = []
    for name in COMMANDS:
        samples: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
        for label, tree in trees.items():
            run(tree, commands(dbs[label])[name], caches[label])  # warm the caches
        for _ in range(runs):
            for label, tree in trees.items():
                bare.append(run(tree, [BARE]))
                samples[label].append(run(tree, commands(dbs[label])[name], caches[label]))
        for label in trees:
            walls, cpus = zip(*samples[label], strict=True)
            out[label][name] = (statistics.median(walls), statistics.median(cpus))
    walls, cpus = zip(*bare, strict=True)
    for label in trees:
        out[label][BARE] = (statistics.median(walls), statistics.median(cpus))
    return out


def verdict(name: str, cpu: float, bare_cpu: float) -> str:
    if name not in TARGETS:
        return ""
    limit, unit = TARGETS[name]
    value = cpu / bare_cpu if unit == "x" else cpu
    shown = f"<= {limit:g}x bare" if unit == "x" else f"<= {limit:.2f} s"
    return f"{shown}: {'met' if value <= limit else 'NOT met'}"


def export(ref: str, target: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=REPO, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", help="git ref to compare with (e.g. main)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="runstrong-bench-") as tmp:
        root = Path(tmp)
        trees = {"now": REPO}
        if options.before:
            trees[options.before] = export(options.before, root / "before-tree")
        results = measure(trees, options.runs, root)
    load = os.getloadavg()[0]
    bare_wall, bare_cpu = results["now"][BARE]
    print(
        f"median of {options.runs} runs, python {sys.version.split()[0]}, {os.cpu_count()} cores,"
        f" load {load:.1f}; bare 'python -c pass': {bare_cpu * 1000:.0f} ms CPU,"
        f" {bare_wall * 1000:.0f} ms wall"
    )
    header = f"{'command':<12} {'CPU':>8} {'x bare':>7} {'wall':>8}"
    if options.before:
        header += f" {'before CPU':>11} {'x bare':>7} {'speed-up':>9}"
    print(header + "  target (CPU)")
    for name in COMMANDS:
        wall, cpu = results["now"][name]
        line = f"{name:<12} {cpu * 1000:>6.0f}ms {cpu / bare_cpu:>6.1f}x {wall * 1000:>6.0f}ms"
        if options.before:
            old_cpu = results[options.before][name][1]
            line += f" {old_cpu * 1000:>9.0f}ms {old_cpu / bare_cpu:>6.1f}x {old_cpu / cpu:>8.1f}x"
        print(f"{line}  {verdict(name, cpu, bare_cpu)}")


if __name__ == "__main__":
    main()
