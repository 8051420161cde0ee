"""Benchmark: wall time of whole commands, as a person at a terminal waits for them.

Run:  python tests/benchmarks/bench_startup.py [--runs N] [--before GIT_REF]

Each command runs N times in a fresh process (``python -m engine ...``) and the median wall time
is printed beside its target. With ``--before REF`` the same commands also run on the tree of
that git ref (exported to a temporary directory, same interpreter and packages), side by side.
``today`` and ``checkin`` run on a demo database made by each tree's own ``runstrong demo``.
It asserts nothing: this machine is shared and noisy, so read medians and ratios.

Targets (issue 10): --help <= 150 ms, today <= 300 ms, checkin <= 500 ms, evaluate <= 400 ms.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REQUEST = "rules/fixtures/base_request.yaml"
TARGETS_MS = {"--help": 150, "today": 300, "checkin": 500, "evaluate": 400}
DEMO = "demo-runner"


def commands(db: str) -> dict[str, list[str]]:
    checkin = ["--recovery", "85", "--slept-well", "--soreness", "2", "--stress", "3"]
    return {
        "--help": ["--help"],
        "today": ["--db", db, "today", DEMO],
        "checkin": ["--db", db, "checkin", DEMO, *checkin, "--replace"],
        "evaluate": ["evaluate", "--input", REQUEST],
    }


def run(tree: Path, args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "engine", *args], cwd=tree, env=env, capture_output=True
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed in {tree}:\n{result.stderr.decode()}")
    return elapsed


def medians(tree: Path, runs: int, workdir: Path) -> dict[str, float]:
    db = f"sqlite:///{workdir / 'bench.db'}"
    run(tree, ["--db", db, "demo"])
    out: dict[str, float] = {}
    for name, args in commands(db).items():
        run(tree, args)  # warm the OS file cache and Python's bytecode cache
        out[name] = statistics.median(run(tree, args) for _ in range(runs))
    return out


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
        (root / "after").mkdir()
        after = medians(REPO, options.runs, root / "after")
        before = None
        if options.before:
            tree = export(options.before, root / "before-tree")
            (root / "before").mkdir()
            before = medians(tree, options.runs, root / "before")
    print(f"median wall time of {options.runs} runs, python {sys.version.split()[0]}")
    header = f"{'command':<10} {'target':>8} {'now':>8}"
    if before:
        header += f" {options.before:>10} {'ratio':>6}"
    print(header)
    for name, seconds in after.items():
        target = TARGETS_MS[name]
        line = f"{name:<10} {target:>6}ms {seconds * 1000:>6.0f}ms"
        if before:
            line += f" {before[name] * 1000:>8.0f}ms {before[name] / seconds:>5.1f}x"
        verdict = "met" if seconds * 1000 <= target else "NOT met"
        print(f"{line}  {verdict}")


if __name__ == "__main__":
    main()
