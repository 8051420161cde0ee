"""``evaluate`` over a JSON Lines batch: every good line evaluated, every bad one reported.

one bad line used to cost the whole batch (no output, or a
traceback without a line number), and ``--format text`` printed JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from engine.app.batch import evaluate_lines, is_json_lines
from engine.cli.main import cli
from engine.loading.paths import rules_dir

BASE = rules_dir() / "fixtures" / "base_request.yaml"


def _line(**checkin: Any) -> str:
    data = yaml.safe_load(BASE.read_text())
    data["checkin"].update(checkin)
    return json.dumps(data, default=str)


def _year_one() -> str:
    # Valid by the contract, but the history features cannot count days back from year 1.
    data = yaml.safe_load(BASE.read_text())
    data["checkin"]["date"] = "0001-01-01"
    data["history"] = []
    data["upcoming"] = []
    return json.dumps(data, default=str)


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    lines = [
        _line(recovery_pct=95),
        _line(recovery_pct="ninety"),  # line 2: a validation error
        _year_one(),  # line 3: a date outside the supported range
        "{not json",  # line 4
        "",
        _line(recovery_pct=40),  # line 6
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_bad_lines_are_reported_and_the_good_ones_kept(batch: Path) -> None:
    result = CliRunner().invoke(cli, ["evaluate", "--input", str(batch)])
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [item["session"]["intensity"] for item in out] == ["moderate", "low"]
    errors = result.stderr
    assert f"{batch}:2: checkin.recovery_pct:" in errors
    assert f"{batch}:3: checkin.date: date 0001-01-01 is outside" in errors
    assert f"{batch}:4: not valid JSON" in errors
    assert "3 line(s)" in errors and "Traceback" not in errors


def test_format_text_prints_a_card_per_request(batch: Path) -> None:
    result = CliRunner().invoke(cli, ["evaluate", "--input", str(batch), "--format", "text"])
    assert result.exit_code == 2
    assert result.stdout.count("runstrong: base-athlete") == 2
    assert "TODAY:" in result.stdout and '{"athlete"' not in result.stdout


def test_a_clean_batch_exits_0_in_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "good.jsonl"
    path.write_text(_line(recovery_pct=95) + "\n" + _line(recovery_pct=70) + "\n")
    for extra in ([], ["--format", "json"]):
        result = CliRunner().invoke(cli, ["evaluate", "--input", str(path), *extra])
        assert result.exit_code == 0 and result.stderr == ""
        assert len([json.loads(line) for line in result.stdout.splitlines()]) == 2


def test_results_match_single_evaluations(evaluator, tmp_path: Path) -> None:
    lines = [_line(recovery_pct=value) for value in (95, 60, 30)]
    results = list(evaluate_lines("\n".join(lines), "x.jsonl", evaluator))
    assert [item.line for item in results] == [1, 2, 3]
    for line, item in zip(lines, results, strict=True):
        path = tmp_path / "one.json"
        path.write_text(line)
        single = CliRunner().invoke(cli, ["evaluate", "--input", str(path), "--format", "json"])
        assert item.recommendation is not None
        assert json.loads(single.stdout) == json.loads(
            item.recommendation.model_dump_json(by_alias=True)
        )


def test_a_batch_with_a_broken_line_is_still_a_batch() -> None:
    good = _line()
    assert is_json_lines(f"{good}\nnot json at all\n", "<stdin>")
    assert is_json_lines("anything", "requests.jsonl")
    assert not is_json_lines("athlete:\n  id: x\n", "request.yaml")
    assert not is_json_lines(good, "<stdin>")  # one JSON document
    assert not is_json_lines(f"{good}\n# a YAML comment\n", "request.yaml")


def test_an_engine_failure_on_one_line_keeps_the_others(tmp_path: Path, monkeypatch) -> None:
    """A request the contract lets through but the engine cannot evaluate (here: the engine
    made to fail on one recovery value) is reported by line; the lines around it still run."""
    from engine.core.evaluator import Evaluator

    evaluate = Evaluator.evaluate

    def fails_on_41(self, request):
        if request.checkin.recovery_pct == 41:
            raise OverflowError("date value out of range")
        return evaluate(self, request)

    monkeypatch.setattr(Evaluator, "evaluate", fails_on_41)
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([_line(recovery_pct=95), _line(recovery_pct=41), _line()]) + "\n")
    result = CliRunner().invoke(cli, ["evaluate", "--input", str(path)])
    assert result.exit_code == 2
    assert len(result.stdout.splitlines()) == 2
    assert f"{path}:2: cannot be evaluated: OverflowError" in result.stderr
