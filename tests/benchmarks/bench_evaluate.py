"""Benchmark: evaluation latency, JSON Lines batch throughput, and durable_rules' raw rate.

Run:  python tests/benchmarks/bench_evaluate.py [--latency-runs N] [--batch N]

Prints figures; it asserts nothing (machines here are shared and noisy, so speed targets are
read from these figures, not enforced by timed tests). Targets: p50 <= 2 ms in-process, the
batch at >= 1,000 evaluations/s on one core.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import statistics
import time
from typing import Any

import yaml
from durable.engine import Host

from engine.app.evaluators import get_evaluator
from engine.contract.models import EvaluationRequest
from engine.loading.inputs import parse_documents
from engine.loading.paths import rules_dir


def realistic_request_data(seed: int = 7) -> dict[str, Any]:
    """The base request with four weeks of mixed history and a few upcoming runs."""
    rng = random.Random(seed)
    data = yaml.safe_load((rules_dir() / "fixtures" / "base_request.yaml").read_text())
    today = dt.date(2026, 11, 18)
    history = []
    for days_back in range(28, 0, -1):
        day = today - dt.timedelta(days=days_back)
        kind = ["easy_run", "strength", "hiit", "long_run", "rest", "strength", "quality_run"][
            days_back % 7
        ]
        session: dict[str, Any] = {"date": day.isoformat(), "kind": kind}
        if kind == "strength":
            session["program"] = "heavy_lifting_for_runners"
            session["exercises"] = [
                {
                    "id": "single_kettlebell_front_rack_squat",
                    "sets": 3,
                    "reps": 10,
                    "load_kg": rng.choice([16, 20, 24]),
                    "posture_held": True,
                    "felt_easy": rng.random() < 0.5,
                },
                {
                    "id": "isometric_pistol",
                    "sets": 3,
                    "reps": 8,
                    "posture_held": True,
                    "felt_easy": rng.random() < 0.5,
                },
            ]
        if kind == "hiit":
            session["hr_back_to_normal"] = rng.random() < 0.8
            session["slept_well_after"] = rng.random() < 0.8
        history.append(session)
    data["history"] = history
    data["upcoming"] = [
        {"date": "2026-11-20", "kind": "quality_run"},
        {"date": "2026-11-22", "kind": "long_run"},
    ]
    data["athlete"]["ladders"]["hip_flexion"] = {
        "stage": "side_plank_hip_flexion",
        "since": "2026-10-01",
    }
    return data


def varied(data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out = copy.deepcopy(data)
    checkin = out["checkin"]
    checkin["recovery_pct"] = rng.randint(30, 100)
    checkin["life_stress"] = rng.randint(0, 10)
    checkin["soreness"] = rng.randint(0, 10)
    checkin["planned"] = rng.choice(["strength", "hiit", "easy_run", "quality_run", "rest", None])
    checkin["pain"] = rng.choice(
        [
            [],
            [],
            [{"area": "knee", "severity": 3}],
            [{"area": "low_back", "severity": 5, "during": "runner_deadlift"}],
        ]
    )
    return out


def bench_latency(runs: int) -> tuple[float, float, int]:
    evaluator = get_evaluator()
    request = EvaluationRequest.model_validate(
        realistic_request_data(), context={"kb": evaluator.kb}
    )
    for _ in range(50):
        evaluator.evaluate(request)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        evaluator.evaluate(request)
        samples.append(time.perf_counter() - start)
    samples.sort()
    rules_fired = len(evaluator.evaluate(request).rationale)
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.99)] * 1000, rules_fired


def bench_batch(count: int) -> tuple[float, float]:
    evaluator = get_evaluator()
    rng = random.Random(11)
    base = realistic_request_data()
    text = "\n".join(json.dumps(varied(base, rng), default=str) for _ in range(count)) + "\n"
    start = time.perf_counter()
    requests, is_lines = parse_documents(
        text, "batch.jsonl", EvaluationRequest, {"kb": evaluator.kb}
    )
    assert is_lines
    out = [evaluator.evaluate(request).model_dump_json(by_alias=True) for request in requests]
    elapsed = time.perf_counter() - start
    assert len(out) == count
    return count / elapsed, elapsed


def bench_durable_raw(count: int) -> float:
    class QuietHost(Host):  # type: ignore[misc]
        def _run(self) -> None:
            return None

        def get_action(self, name: str) -> Any:
            return lambda c: None

    host = QuietHost({"raw": {"r": {"all": [{"m": {"t": "x"}}], "run": "noop"}}})
    start = time.perf_counter()
    for sid in range(count):
        host.assert_fact("raw", {"sid": str(sid), "id": "1", "t": "x"})
        host.delete_state("raw", str(sid))
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-runs", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    evaluator = get_evaluator()
    print(f"rules: {len(evaluator.ruleset.rules)} ({evaluator.ruleset.version})")
    p50, p99, fired = bench_latency(args.latency_runs)
    print(f"latency, realistic request ({fired} rules fired): p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    rate, elapsed = bench_batch(args.batch)
    print(
        f"JSON Lines batch of {args.batch}: {rate:,.0f} evaluations/s "
        f"({elapsed:.1f} s, one process)"
    )
    print(f"durable_rules raw assert+delete: {bench_durable_raw(20_000):,.0f} sessions/s")


if __name__ == "__main__":
    main()
