"""Every ``--format json`` output that has a published schema validates against it.

The schemas are the ones ``runstrong schema NAME`` prints, checked with a real JSON Schema
validator (jsonschema, draft 2020-12), so a tool that trusts the schema can trust the output.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from engine.cli.main import cli
from engine.cli.schema_cmd import SCHEMAS
from engine.loading.paths import rules_dir

BASE = rules_dir() / "fixtures" / "base_request.yaml"
TODAY = dt.date.today()


def printed_schema(name: str) -> dict:
    result = CliRunner().invoke(cli, ["schema", name])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_valid(instance: object, schema_name: str) -> None:
    validator = Draft202012Validator(printed_schema(schema_name))
    errors = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(instance)]
    assert not errors, errors


@pytest.mark.parametrize("name", [*SCHEMAS, "rule-cases"])
def test_every_printed_schema_is_a_valid_json_schema(name: str) -> None:
    Draft202012Validator.check_schema(printed_schema(name))


def test_the_validator_does_refuse_what_the_schema_forbids() -> None:
    validator = Draft202012Validator(printed_schema("stored-recommendation"))
    assert not validator.is_valid({"athlete": "ana"})  # required fields missing


@pytest.fixture
def run(tmp_path: Path):
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 's.db'}"

    def invoke(*args: str):
        result = runner.invoke(cli, ["--db", db, *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    return invoke


def test_evaluate_json_is_a_recommendation(run) -> None:
    assert_valid(
        json.loads(run("evaluate", "--input", str(BASE), "--format", "json")), "recommendation"
    )


def test_each_json_lines_output_is_a_recommendation(run, tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(BASE.read_text())
    lines = []
    for recovery in (50, 90):
        data["checkin"]["recovery_pct"] = recovery
        lines.append(json.dumps(data, default=str))
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    out = run("evaluate", "--input", str(batch), "--format", "json").splitlines()
    assert len(out) == 2
    for line in out:
        assert_valid(json.loads(line), "recommendation")


def test_database_commands_print_the_shapes_they_claim(run) -> None:
    run(
        "athlete", "add", "ana", "--level", "intermediate", "--equipment",
        "kettlebell,kettlebell_pair,box,mat", "--bells", "12,16,20", "--program",
        "heavy_lifting_for_runners:3", "--ladder",
        f"pistol_squat=narrow_stance_squat@{TODAY - dt.timedelta(days=30)}",
    )  # fmt: skip
    assert_valid(json.loads(run("athlete", "show", "ana", "--format", "json")), "athlete")
    for profile in json.loads(run("athlete", "list", "--format", "json")):
        assert_valid(profile, "athlete")
    checked_in = run(
        "checkin", "ana", "--recovery", "85", "--slept-well", "--soreness", "2", "--stress",
        "3", "--planned", "strength", "--format", "json",
    )  # fmt: skip
    assert_valid(json.loads(checked_in), "athlete-card")
    card = json.loads(run("today", "ana", "--format", "json"))
    assert_valid(card, "athlete-card")
    assert {"id", "status", "coach_note", "amended_by_coach"} <= set(card)
    stored = json.loads(run("today", "ana", "--why", "--format", "json"))
    assert_valid(stored, "stored-recommendation")
    assert {"id", "status", "coach_note", "amended_by_coach"} <= set(stored)
