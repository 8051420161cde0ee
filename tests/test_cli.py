"""The command line: evaluate, schema, kb."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from engine.cli.main import cli
from engine.loading.paths import rules_dir

BASE = rules_dir() / "fixtures" / "base_request.yaml"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _json_request(tmp_path: Path, **checkin: object) -> Path:
    data = yaml.safe_load(BASE.read_text())
    data["checkin"].update(checkin)
    path = tmp_path / "request.json"
    path.write_text(json.dumps(data, default=str))
    return path


def test_evaluate_text_is_a_workout_card_with_reasons(runner) -> None:
    result = runner.invoke(cli, ["evaluate", "--input", str(BASE)])
    assert result.exit_code == 0, result.output
    assert "TODAY: Heavy lifting for runners" in result.output
    assert "WHY" in result.output and "PROGRESSIONS" in result.output
    assert "sources:" in result.output


def test_evaluate_json_has_the_contract_fields(runner, tmp_path) -> None:
    result = runner.invoke(
        cli, ["evaluate", "--input", str(_json_request(tmp_path)), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for field in (
        "athlete",
        "date",
        "session",
        "hiit",
        "progressions",
        "rationale",
        "warnings",
        "rules_version",
    ):
        assert field in data
    assert data["rationale"][0]["sources"]


def test_evaluate_is_byte_for_byte_repeatable(runner, tmp_path) -> None:
    path = _json_request(tmp_path, recovery_pct=70, planned="hiit")
    outputs = {
        runner.invoke(cli, ["evaluate", "--input", str(path), "--format", "json"]).output
        for _ in range(5)
    }
    assert len(outputs) == 1


def test_evaluate_json_lines(runner, tmp_path) -> None:
    data = yaml.safe_load(BASE.read_text())
    lines = []
    for recovery in (95, 70, 40):
        data["checkin"]["recovery_pct"] = recovery
        lines.append(json.dumps(data, default=str))
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = runner.invoke(cli, ["evaluate", "--input", str(path)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [item["session"]["intensity"] for item in out] == ["moderate", "moderate", "low"]


def test_evaluate_reads_stdin(runner, tmp_path) -> None:
    text = _json_request(tmp_path).read_text()
    result = runner.invoke(cli, ["evaluate", "--input", "-", "--format", "json"], input=text)
    assert result.exit_code == 0 and json.loads(result.output)["athlete"] == "base-athlete"


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda d: d["checkin"].update(recovery_pct=150), "checkin.recovery_pct"),
        (lambda d: d["checkin"].update(feeling="ok"), "checkin.feeling: unknown field"),
        (
            lambda d: d["athlete"]["ladders"].update(
                pistol_squat={"stage": "goblet_squat", "since": "2026-01-01"}
            ),
            "pistol_squat.stage",
        ),
        (
            lambda d: d["history"][1]["exercises"][0].update(id="bench_press"),
            "history[1].exercises[0].id",
        ),
    ],
)
def test_bad_request_exits_2_with_field_on_stderr(runner, tmp_path, mutate, needle) -> None:
    data = yaml.safe_load(BASE.read_text())
    mutate(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    result = runner.invoke(cli, ["evaluate", "--input", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert needle in result.stderr
    assert "bad.yaml:" in result.stderr  # file and line


def test_bad_json_line_names_the_line_and_keeps_the_good_ones(runner, tmp_path) -> None:
    good = json.dumps(yaml.safe_load(BASE.read_text()), default=str)
    path = tmp_path / "batch.jsonl"
    path.write_text(
        good + "\n" + good.replace('"recovery_pct": 90', '"recovery_pct": "ninety"') + "\n"
    )
    result = runner.invoke(cli, ["evaluate", "--input", str(path)])
    assert result.exit_code == 2 and len(result.stdout.splitlines()) == 1  # line 1's result
    assert "batch.jsonl:2" in result.stderr and "recovery_pct" in result.stderr


def test_unparseable_yaml_names_the_line(runner, tmp_path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("athlete:\n  id: x\n  level: [beginner\n")
    result = runner.invoke(cli, ["evaluate", "--input", str(path)])
    assert result.exit_code == 2 and result.stdout == "" and "broken.yaml:" in result.stderr


def test_missing_input_file(runner) -> None:
    result = runner.invoke(cli, ["evaluate", "--input", "/nonexistent/request.yaml"])
    assert result.exit_code == 2 and "file not found" in result.stderr


@pytest.mark.parametrize(
    "name",
    [
        "athlete",
        "checkin",
        "session-log",
        "request",
        "recommendation",
        "rule",
        "settings",
        "scenario",
        "rule-cases",
        "exercise",
        "ladder",
        "program",
    ],
)
def test_schema(runner, name) -> None:
    result = runner.invoke(cli, ["schema", name])
    assert result.exit_code == 0
    assert json.loads(result.output)


def test_rule_schema_describes_when_and_then(runner) -> None:
    schema = json.loads(runner.invoke(cli, ["schema", "rule"]).output)
    rule = schema["$defs"]["RuleSpec"]["properties"]
    assert {"id", "summary", "why", "sources", "priority", "when", "then"} <= set(rule)


def test_kb_list_and_show(runner) -> None:
    listed = json.loads(runner.invoke(cli, ["kb", "list", "exercises", "--format", "json"]).output)
    assert "goblet_squat" in {row["id"] for row in listed}
    sources = runner.invoke(cli, ["kb", "list", "sources"]).output
    assert "Ashleigh Kast" in sources and "002_3f2a15428f748fea.txt" in sources
    shown = runner.invoke(cli, ["kb", "show", "pistol_squat"]).output
    for needle in (
        "Stage 1",
        "Stage 4",
        "at least 2x/week",
        "at least 3x/week",
        "gate to move on",
        "assistance",
        "source:",
    ):
        assert needle in shown
    fact = json.loads(
        runner.invoke(cli, ["kb", "show", "d2_hiit_cap_per_week", "--format", "json"]).output
    )
    assert fact["citation"].startswith("002_3f2a15428f748fea.txt:")


def test_kb_show_unknown_id(runner) -> None:
    result = runner.invoke(cli, ["kb", "show", "moon_walk"])
    assert result.exit_code == 2 and "moon_walk" in result.stderr
