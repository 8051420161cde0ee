"""A JSON Lines batch on every core: the same lines, problems and order as on one.

The batch on worker processes runs under a stall alarm (tests/progress.py) rather than a time
limit: however slow a loaded machine makes it, it may finish, and a pool that deadlocks fails
the test once its processes have not moved for minutes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from engine.app import batch_workers
from engine.app.batch import evaluate_lines
from engine.evaluation.evaluators import get_evaluator
from engine.loading.paths import rules_dir
from tests.progress import children, stall_alarm

BASE = rules_dir() / "fixtures" / "base_request.yaml"


def _line(**checkin: Any) -> str:
    data = yaml.safe_load(BASE.read_text())
    data["checkin"].update(checkin)
    return json.dumps(data, default=str)


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_give_what_one_process_gives(workers: int, monkeypatch) -> None:
    monkeypatch.setattr(batch_workers, "CHUNK_LINES", 3)  # several chunks from a short batch
    monkeypatch.setattr(batch_workers, "SMALL_BATCH", 0)
    lines = [_line(recovery_pct=30 + 5 * n, soreness=n % 10) for n in range(10)]
    lines[4] = "not json"
    lines[8] = ""  # blank lines are skipped, and still counted
    lines.insert(9, '{"athlete": 1}')
    text = "\n".join(lines)
    evaluator = get_evaluator(tests=False)
    expected = [
        (
            result.line,
            None
            if result.recommendation is None
            else result.recommendation.model_dump_json(by_alias=True),
            result.problems,
        )
        for result in evaluate_lines(text, "b.jsonl", evaluator)
    ]
    with stall_alarm(f"the batch on {workers} worker processes", children):
        got = [
            (output.line, output.json, output.problems)
            for output in batch_workers.evaluate_lines_on_cores(text, "b.jsonl", evaluator, workers)
        ]
    assert got == expected
    assert [line for line, json_text, _ in got if json_text is None] == [5, 10]
    bad = {line: problems for line, json_text, problems in got if json_text is None}
    assert bad[10][0].line == 10  # numbered in the whole file, not in its chunk
