"""The CLI under a fuzz of hostile inputs: at least 1,000 generated inputs of each
kind (JSON Lines requests, request files, activity files, calendar files), and every run ends
with exit 0 or 2, never 70 ("a bug"), never a traceback. The inputs come from a fixed seed
(``tests/hostile.py``), so a failure replays."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.cli.main import cli
from tests import hostile
from tests.test_import_fit import build_fit, interval_laps

pytestmark = pytest.mark.slow
PER_KIND = 1000
SEED = 24


def _fine(result: Result, what: str) -> None:
    assert result.exit_code in (0, 2), f"{what}: exit {result.exit_code}\n{result.output[-2000:]}"
    assert "this is a bug" not in result.output, f"{what}\n{result.output[-2000:]}"
    assert "Traceback" not in result.output, what


def _no_constants(name: str) -> None:
    raise AssertionError(f"{name} in the output")


def test_json_lines(tmp_path: Path) -> None:
    lines = hostile.json_lines(random.Random(SEED), PER_KIND)
    assert len(lines) >= PER_KIND
    batch = tmp_path / "requests.jsonl"
    batch.write_bytes(b"\n".join(lines) + b"\n")
    result = CliRunner().invoke(cli, ["evaluate", "--input", str(batch), "--format", "json"])
    _fine(result, "JSON Lines batch")
    for line in result.stdout.splitlines():  # every answer is JSON, with no NaN or Infinity
        json.loads(line, parse_constant=_no_constants)
    assert result.exit_code == 0 or result.stderr  # a refused line is reported


def test_request_files(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    runner = CliRunner()
    for number in range(PER_KIND):
        name, data = hostile.request_file(rng)
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(cli, ["evaluate", "--input", str(path), "--format", "json"])
        _fine(result, f"request file {number} ({name}): {data[:300]!r}")


def test_activity_files(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    fit = build_fit(dt.datetime(2026, 11, 20, 7, tzinfo=dt.UTC), interval_laps())
    folder = tmp_path / "exports"
    folder.mkdir()
    for number in range(PER_KIND):
        name, data = hostile.activity_file(rng, fit)
        (folder / f"{number:04d}_{name}").write_bytes(data)
    db = f"sqlite:///{tmp_path / 'runstrong.db'}"
    runner = CliRunner()
    added = runner.invoke(cli, ["--db", db, "athlete", "add", "fz", "--level", "beginner"])
    assert added.exit_code == 0, added.output
    result = runner.invoke(
        cli, ["--db", db, "import", "fz", str(folder), "--timezone", "UTC", "--format", "json"]
    )
    _fine(result, "activity folder")
    report = json.loads(result.stdout)
    files = {outcome["file"].split(":")[0] for outcome in report["activities"]}
    assert len(files) == PER_KIND  # every file has its outcome: the folder import went on


def test_calendar_files(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    db = f"sqlite:///{tmp_path / 'runstrong.db'}"
    runner = CliRunner()
    path = tmp_path / "plan.ics"
    for number in range(PER_KIND):
        athlete = f"fz{number // 50}"  # a fresh calendar now and then, as athletes have
        if number % 50 == 0:
            added = runner.invoke(
                cli, ["--db", db, "athlete", "add", athlete, "--level", "beginner"]
            )
            assert added.exit_code == 0, added.output
        data = hostile.calendar_file(rng)
        path.write_bytes(data)
        options = ["--skip-unmapped"] if rng.random() < 0.5 else []
        result = runner.invoke(
            cli,
            ["--db", db, "calendar", "import", athlete, str(path), "--timezone", "UTC", *options],
        )
        _fine(result, f"calendar file {number}: {data[:600]!r}")
