"""Benchmark: ``rules diff`` replay throughput and peak memory over a synthetic history.

Run:  python tests/benchmarks/bench_replay.py [--sizes 10000,50000,100000] [--workers N]
                                             [--single 10000] [--db] [--rule-edit] [--keep DIR]
      python tests/benchmarks/bench_replay.py --sizes 20000 --parts 5000
          (only: where the CPU time of a replay goes, part by part, over the last 5,000)

1. Generates a synthetic history as a JSON Lines request file, streamed to a temporary file:
   varied athletes (level, equipment, bells, programs, ladders, coach or not) check in every
   day; each request carries the athlete's profile, the check-in, the last 56 days of logged
   sessions (as the check-in service builds them) and the quality runs planned in the next
   three days. With ``--db`` the same history also goes into an SQLite database (athletes,
   check-ins and recommendation rows with their requests).
2. Head rules: a temporary copy of the bundled rules with ``hiit.readiness_min_pct`` 80 -> 90
   (a third of the check-ins change). ``--rule-edit`` also replays the largest size against a
   narrow rule edit (RS801 no longer counts lunges), the common case of a rule author's change.
3. Replays the first N requests for each size, each run in a fresh process, and prints
   check-ins/s (with the worker count), the CPU time (parent and workers) per check-in beside
   a bare Python start measured in the same run, and the peak RSS of the replay process itself
   (``VmHWM``: ``getrusage``'s maxrss would keep this harness's peak across exec) and of the
   largest worker, so growing N shows whether memory stays flat.

4. In the same run, on the first 2,000 requests: durable_rules' raw assert-and-delete rate, the
   CPU time of one evaluation with and without matching (parse + features + planner + output)
   and durable_rules' traffic per evaluation (see ``bench_evaluate.py``), so the replay's CPU
   per check-in can be read against what one evaluation cannot go below.

It prints figures and asserts nothing (machines here are shared and noisy). Target:
<= 1.5 ms of CPU per check-in, memory flat in N. Like ``bench_evaluate.py`` it runs against
an older checkout too (``PYTHONPATH=that checkout``) for before/after figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path and not os.environ.get("PYTHONPATH"):  # run from anywhere
    sys.path.insert(0, str(REPO))

from engine.app.demo import MINUTES  # noqa: E402
from engine.loading.paths import rules_dir  # noqa: E402

HISTORY_DAYS = 56  # as engine.app.checkin builds requests
START = dt.date(2026, 1, 5)  # a Monday

HEAVY = {  # heavy lifting for runners, week 3: exercise -> (reps, kg by level)
    "single_kettlebell_front_rack_squat": (10, (12, 16, 20)),
    "deficit_reverse_lunge": (10, (8, 12, 16)),
    "single_racked_banded_knee_drive": (10, (8, 8, 12)),
    "staggered_stance_kettlebell_deadlift": (10, (16, 20, 24)),
    "double_kettlebell_front_rack_carry": (1, (8, 12, 16)),
    "double_kettlebell_swing": (15, (12, 16, 20)),
    "push_up_with_alternating_rows": (10, (7.5, 10, 12.5)),
}
ROUTINE = {  # the 20-minute lower-body routine
    "plantarflexion_walk": 1,
    "b_squat": 8,
    "lateral_step_down": 8,
    "front_foot_elevated_split_squat": 8,
    "forward_backward_pogo": 12,
    "unilateral_alternating_kettlebell_swing": 12,
}
PULL = {"alternating_single_arm_bent_over_row": 10, "bent_over_row_to_march": 12}
LADDERS = {
    "pistol_squat": ["narrow_stance_squat", "isometric_pistol", "eccentric_pistol"],
    "hip_flexion": ["band_hurdle_hold", "side_plank_hip_flexion", "banded_mountain_climber"],
    "kettlebell_swing": ["kettlebell_deadlift", "kettlebell_swing"],
}
WEEKS = [  # weekly plans by ISO weekday (index 0 = Monday)
    ["rest", "quality_run", "strength", "hiit", "strength", "easy_run", "long_run"],
    ["easy_run", "strength", "rest", "quality_run", "strength", "rest", "long_run"],
    ["rest", "strength", "easy_run", "hiit", "mobility", "quality_run", "long_run"],
    ["strength", "easy_run", "hiit", "rest", "strength", "cross_training", "long_run"],
    ["rest", "easy_run", "strength", "easy_run", "rest", "strength", "long_run"],
]
PAIN_AREAS = ["knee", "low_back", "hamstring", "calf", "achilles", "hip", "shin", "foot"]


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))


class Athlete:
    """One synthetic athlete: a profile and a rolling window of logged sessions."""

    def __init__(self, number: int, rng: random.Random) -> None:
        self.rng = rng
        self.id = f"athlete-{number:04d}"
        self.level_index = rng.choice([0, 1, 1, 2])
        level = ["beginner", "intermediate", "advanced"][self.level_index]
        equipment = ["mat", "mini_band", "loop_band", "box"]
        if rng.random() < 0.8:
            equipment += ["kettlebell", "kettlebell_pair"]
        if rng.random() < 0.6:
            equipment += ["dumbbell", "dumbbell_pair"]
        if rng.random() < 0.3:
            equipment += ["barbell", "squat_rack"]
        if rng.random() < 0.3:
            equipment.append("suspension_trainer")
        self.program = rng.choice(
            ["heavy_lifting_for_runners", "heavy_lifting_for_runners", "lower_body_routine", None]
        )
        self.pull = rng.random() < 0.3
        programs = []
        if self.program == "heavy_lifting_for_runners":
            # Its variants are numbered weeks 1 to 3: a later week is refused as input.
            programs.append({"id": self.program, "week": rng.randint(1, 3)})
        elif self.program:
            programs.append({"id": self.program, "week": 1})
        if self.pull:
            programs.append({"id": "kettlebell_pull", "week": 1})
        self.ladders = {
            ladder: rng.choice(stages) for ladder, stages in LADDERS.items() if rng.random() < 0.6
        }
        profile: dict[str, Any] = {
            "id": self.id,
            "level": level,
            "equipment": equipment,
            "kettlebells_kg": sorted(rng.sample([8, 12, 16, 20, 24, 28], 4)),
            "dumbbells_kg": [5, 7.5, 10, 12.5, 15],
            "programs": programs,
            "ladders": {
                ladder: {
                    "stage": stage,
                    "since": (START - dt.timedelta(days=rng.randint(3, 60))).isoformat(),
                }
                for ladder, stage in self.ladders.items()
            },
            "has_coach": rng.random() < 0.5,
        }
        if rng.random() < 0.7:
            profile["one_rep_max_kg"] = {
                "single_kettlebell_front_rack_squat": rng.choice([24, 30, 36]),
                "staggered_stance_kettlebell_deadlift": rng.choice([28, 34, 40]),
                "double_kettlebell_swing": rng.choice([24, 28, 32]),
            }
        self.profile_json = _dumps(profile)
        self.week = rng.choice(WEEKS)
        self.history: deque[tuple[dt.date, str]] = deque()
        self.days = 0

    def planned(self, day: dt.date) -> str:
        return self.week[day.weekday()]

    def _exercises(self, day: dt.date) -> list[dict[str, Any]]:
        rng = self.rng
        easy_later = self.days > 20
        out: list[dict[str, Any]] = []
        if self.program == "heavy_lifting_for_runners":
            for exercise, (reps, loads) in HEAVY.items():
                out.append(
                    {
                        "id": exercise,
                        "sets": 3,
                        "reps": reps,
                        "load_kg": loads[self.level_index],
                        "posture_held": rng.random() < 0.9,
                        "felt_easy": easy_later and rng.random() < 0.5,
                    }
                )
        elif self.program == "lower_body_routine":
            out += [{"id": key, "sets": 3, "reps": reps} for key, reps in ROUTINE.items()]
        if self.pull and day.weekday() >= 3:
            out += [
                {"id": key, "sets": 3, "reps": reps, "load_kg": 12} for key, reps in PULL.items()
            ]
        for stage in self.ladders.values():
            out.append(
                {
                    "id": stage,
                    "sets": 3,
                    "reps": 8,
                    "posture_held": rng.random() < 0.85,
                    "felt_easy": easy_later and rng.random() < 0.6,
                }
            )
        return out

    def _log(self, day: dt.date, kind: str) -> dict[str, Any]:
        rng = self.rng
        log: dict[str, Any] = {"date": day.isoformat(), "kind": kind}
        if kind == "strength":
            if self.program:
                log["program"] = self.program
                if self.program == "heavy_lifting_for_runners":
                    log["variant"] = "week_3"
            log["exercises"] = self._exercises(day)
        elif kind == "hiit":
            log["hr_back_to_normal"] = rng.random() < 0.85
            log["slept_well_after"] = rng.random() < 0.8
            log["recovered_between_intervals"] = rng.random() < 0.85
        log["duration_min"] = MINUTES[kind] + rng.randint(-5, 10)
        return log

    def checkin(self, day: dt.date) -> str:
        """Today's request, then today's session goes into the history."""
        rng = self.rng
        while self.history and self.history[0][0] < day - dt.timedelta(days=HISTORY_DAYS):
            self.history.popleft()
        yesterday = self.planned(day - dt.timedelta(days=1))
        recovery = (
            86 + rng.randint(-10, 10) - {"hiit": 8, "long_run": 6, "strength": 3}.get(yesterday, 0)
        )
        if rng.random() < 0.05:
            recovery -= 25
        stress = rng.randint(1, 8)
        pain: list[dict[str, Any]] = []
        if rng.random() < 0.12:
            report: dict[str, Any] = {
                "area": rng.choice(PAIN_AREAS),
                "severity": rng.choice([2, 3, 4, 5, 6, 7]),
            }
            if rng.random() < 0.5:
                report["during"] = rng.choice(
                    ["single_kettlebell_front_rack_squat", "deficit_reverse_lunge", "running"]
                )
            pain.append(report)
        planned = self.planned(day)
        checkin = {
            "date": day.isoformat(),
            "recovery_pct": max(30, min(100, recovery)),
            "slept_well": rng.random() < 0.8,
            "soreness": rng.randint(0, 6),
            "life_stress": stress,
            "pain": pain,
            "planned": planned,
        }
        upcoming = [
            {"date": (day + dt.timedelta(days=ahead)).isoformat(), "kind": kind}
            for ahead in (1, 2, 3)
            if (kind := self.planned(day + dt.timedelta(days=ahead))) in ("quality_run", "long_run")
        ]
        history = ",".join(text for _, text in self.history)
        request = (
            f'{{"athlete":{self.profile_json},"checkin":{_dumps(checkin)},'
            f'"history":[{history}],"upcoming":{_dumps(upcoming)}}}'
        )
        done = planned if rng.random() < 0.85 else rng.choice(["rest", "easy_run", "mobility"])
        if done != "rest":
            self.history.append((day, _dumps(self._log(day, done))))
        self.days += 1
        return request


def synthetic_history(count: int, athletes: int = 500, seed: int = 2026):
    """(athlete id, date, request JSON) for ``count`` check-ins, day by day, athlete by athlete."""
    rng = random.Random(seed)
    people = [Athlete(number, rng) for number in range(athletes)]
    day = START
    made = 0
    while True:
        for person in people:
            if made >= count:
                return
            yield person, day, person.checkin(day)
            made += 1
        day += dt.timedelta(days=1)


def write_requests(path: Path, count: int) -> tuple[float, int]:
    start = time.perf_counter()
    with path.open("w", encoding="utf-8") as handle:
        for _, _, request in synthetic_history(count):
            handle.write(request)
            handle.write("\n")
    return time.perf_counter() - start, path.stat().st_size


def write_database(path: Path, count: int) -> float:
    """The same history as stored check-ins and recommendation rows (schema by migration)."""
    from engine.storage.db import open_database

    start = time.perf_counter()
    open_database(f"sqlite:///{path}", create=True).dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    now = dt.datetime(2026, 1, 1).isoformat(sep=" ")
    seen: set[str] = set()
    batch: list[tuple[Any, ...]] = []

    def flush() -> None:
        connection.executemany(
            "INSERT INTO checkins (id, athlete_id, date, data, upcoming, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, '[]', ?, ?)",
            [(row[0], row[1], row[2], row[3], now, now) for row in batch],
        )
        connection.executemany(
            "INSERT INTO recommendations (id, athlete_id, checkin_id, date, status, "
            "rules_version, request, recommendation, created_at) "
            "VALUES (?, ?, ?, ?, 'pending', 'synthetic', ?, '{}', ?)",
            [(row[0], row[1], row[0], row[2], row[4], now) for row in batch],
        )
        batch.clear()

    for number, (person, day, request) in enumerate(synthetic_history(count), start=1):
        if person.id not in seen:
            seen.add(person.id)
            level = json.loads(person.profile_json)["level"]
            connection.execute(
                "INSERT INTO athletes (id, level, has_coach, profile, created_at, updated_at) "
                "VALUES (?, ?, 0, ?, ?, ?)",
                (person.id, level, person.profile_json, now, now),
            )
        checkin = json.loads(request)["checkin"]
        batch.append((number, person.id, day.isoformat(), _dumps(checkin), request))
        if len(batch) >= 2000:
            flush()
            connection.commit()
    if batch:
        flush()
    connection.commit()
    connection.close()
    return time.perf_counter() - start


# Head rules: a copy of the bundled rules with one edit. (file, before, after)
EDITS = {
    "readiness": (
        "settings.yaml",
        "  hiit.readiness_min_pct:\n    value: 80",
        "  hiit.readiness_min_pct:\n    value: 90",
    ),
    "pain-rule": (
        "pain.yaml",
        "during_movement: {in: [squat, hinge, lunge]}",
        "during_movement: {in: [squat, hinge]}",
    ),
}
EDIT_LABELS = {
    "readiness": "hiit.readiness_min_pct 80 -> 90",
    "pain-rule": "RS801 no longer counts lunges",
}


def head_rules(target: Path, edit: str) -> Path:
    shutil.copytree(rules_dir(), target)
    file, before, after = EDITS[edit]
    path = target / file
    text = path.read_text()
    if before not in text:
        raise SystemExit(f"rules/{file} no longer has {before!r}")
    path.write_text(text.replace(before, after, 1))
    return target


def child(args: argparse.Namespace) -> None:
    """One replay in this (fresh) process; prints its figures as JSON."""
    from engine.ruletools.replay import DatabaseSource, FileSource, RuleSource, replay

    head = Path(args.head)
    if args.db_url:
        source: Any = DatabaseSource(args.db_url, limit=args.limit)
    else:
        source = FileSource(Path(args.requests), limit=args.limit)
    report = replay(
        RuleSource("bundled rules"), RuleSource(str(head), head), source, workers=args.workers
    )
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    # The replay process's own peak: getrusage's maxrss keeps the harness's peak across exec
    # (Linux keeps it per process, not per program); VmHWM belongs to this program's memory.
    parent_kb = _own_peak_kb() or own.ru_maxrss
    print(
        json.dumps(
            {
                "replayed": report.replayed,
                "changed": report.changed,
                "hiit_flips": report.groups["hiit_allowed"].count
                if "hiit_allowed" in report.groups
                else 0,
                "not_evaluated": report.not_evaluated,
                "seconds": report.seconds,
                "workers": report.workers,
                "cpu_seconds": cpu,
                "parent_kb": parent_kb,
                "worker_kb": children.ru_maxrss,
            }
        )
    )


def _own_peak_kb() -> int | None:
    """This program's peak resident memory (kB), from /proc where there is one."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def bare_python_cpu(runs: int = 5) -> float:
    """Median CPU seconds of ``python -c pass`` with this interpreter, measured now."""
    samples = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return sorted(samples)[len(samples) // 2]


def run(source_args: list[str], head: Path, limit: int, workers: int | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", "--head", str(head), "--limit", str(limit)]
    command += source_args
    if workers is not None:
        command += ["--workers", str(workers)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


HEADER = (
    f"{'source':<27} {'check-ins':>9} {'wrk':>3} {'throughput':>11} {'time':>7} "
    f"{'CPU/check-in':>12} {'x bare':>7} {'parent':>7} {'worker':>7} {'changed':>8} "
    f"{'HIIT flip':>9}"
)
BARE_CPU = [0.0]  # bare Python's CPU seconds, measured at the start of the run


def show(label: str, figures: dict[str, Any]) -> None:
    rate = figures["replayed"] / figures["seconds"]
    cpu_ms = figures["cpu_seconds"] / figures["replayed"] * 1000
    print(
        f"{label:<27} {figures['replayed']:>9,} {figures['workers']:>3} {rate:>9,.0f}/s "
        f"{figures['seconds']:>5.1f} s {cpu_ms:>9.2f} ms "
        f"{figures['cpu_seconds'] / BARE_CPU[0]:>6.0f}x {figures['parent_kb'] / 1024:>4.0f} MB "
        f"{figures['worker_kb'] / 1024:>4.0f} MB {figures['changed']:>8,} "
        f"{figures['hiit_flips']:>9,}"
    )


def print_parts(requests: Path, head: Path, last: int) -> None:
    """Where a replay's CPU time goes: each part of comparing one check-in, timed one by one
    over the last ``last`` requests of the file (the longest histories), in this process."""
    from engine.contract.models import EvaluationRequest
    from engine.ruletools.replay import Replayer, RuleSource

    replayer = Replayer(
        RuleSource("bundled rules").evaluator(), RuleSource("head", head).evaluator()
    )
    with requests.open("rb") as handle:
        lines = deque(handle, maxlen=last)
    spent: dict[str, float] = {}

    def timed(part: str, work: Any, *args: Any) -> Any:
        start = time.process_time()
        result = work(*args)
        spent[part] = spent.get(part, 0.0) + time.process_time() - start
        return result

    base, head_evaluator = replayer.base, replayer.head
    parse = EvaluationRequest.model_validate_json
    context = {"kb": base.kb}
    for line in lines:
        request = timed("request parsing", lambda raw: parse(raw, context=context), line)
        bundle = timed("features", base.facts, request)
        facts = timed("facts as dicts", bundle.as_dicts)
        firings = timed("base run (durable_rules)", base.engine.run, facts)
        # The probes of the rules that differ (a private step of Replayer.compare).
        same = timed("probes", replayer._probes_agree, facts, firings)
        timed("base plan", base.plan, request, bundle, firings)
        if not same:
            head_firings = timed("head run and plan", head_evaluator.engine.run, facts)
            timed("head run and plan", head_evaluator.plan, request, bundle, head_firings)
    total = sum(spent.values())
    print(f"parts of a replay over the last {len(lines):,} check-ins, CPU per check-in:")
    for part, seconds in spent.items():
        print(f"  {part:<26} {seconds / len(lines) * 1000:6.3f} ms  {seconds / total:4.0%}")
    print(f"  {'all':<26} {total / len(lines) * 1000:6.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--workers", type=int, default=None, help="default: one per CPU")
    parser.add_argument(
        "--single", type=int, default=10_000, help="also run this many on one process (0: no)"
    )
    parser.add_argument("--db", action="store_true", help="also replay from an SQLite database")
    parser.add_argument(
        "--rule-edit",
        action="store_true",
        help=f"also replay the largest size with another head: {EDIT_LABELS['pain-rule']}",
    )
    parser.add_argument("--keep", help="write the data here and keep it")
    parser.add_argument(
        "--parts",
        type=int,
        default=0,
        help="only time each part of a replay over the last N check-ins of the largest size",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--head", help=argparse.SUPPRESS)
    parser.add_argument("--requests", help=argparse.SUPPRESS)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="runstrong-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        requests = work / "requests.jsonl"
        seconds, size = write_requests(requests, sizes[-1])
        print(
            f"synthetic history: {sizes[-1]:,} check-ins of 500 athletes, "
            f"{size / 1e6:,.0f} MB of JSON Lines ({size / sizes[-1] / 1024:.1f} KB per request), "
            f"written in {seconds:.1f} s"
        )
        heads = {}
        for edit in EDITS:
            heads[edit] = work / f"rules-{edit}"
            if heads[edit].exists():
                shutil.rmtree(heads[edit])
            head_rules(heads[edit], edit)
        head = heads["readiness"]
        print(f"head rules: bundled rules with {EDIT_LABELS['readiness']}")
        if args.parts:
            print_parts(requests, head, args.parts)
            return
        print(f"CPUs: {os.cpu_count()}")
        BARE_CPU[0] = bare_python_cpu()
        print(
            f"bare 'python -c pass' in this run: {BARE_CPU[0] * 1000:.0f} ms CPU; 'x bare' is a "
            "whole replay's CPU time (parent and workers) in those units"
        )
        print(
            "throughput counts the whole run (loading rules, starting workers); CPU/check-in "
            "is the CPU time of the parent and all workers per check-in, which does not depend "
            "on what else the machine runs: cores / CPU per check-in bounds the throughput. "
            "parent: the replay process's own peak RSS (VmHWM); worker: the largest worker's"
        )
        with requests.open(encoding="utf-8") as handle:
            sample = [line for _, line in zip(range(2000), handle, strict=False)]
        from bench_evaluate import print_floor

        print_floor(sample)
        print(HEADER)
        if args.single:
            figures = run(["--requests", str(requests)], head, args.single, 1)
            show("JSON Lines, in-process", figures)
        for limit in sizes:
            show("JSON Lines", run(["--requests", str(requests)], head, limit, args.workers))
        if args.rule_edit:
            figures = run(
                ["--requests", str(requests)], heads["pain-rule"], sizes[-1], args.workers
            )
            show("JSON Lines, pain-rule edit", figures)
        if args.db:
            database = work / "history.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            seconds = write_database(database, sizes[-1])
            print(f"database: {sizes[-1]:,} stored check-ins written in {seconds:.1f} s")
            url = f"sqlite:///{database}"
            for limit in sizes:
                show("SQLite", run(["--db-url", url], head, limit, args.workers))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
