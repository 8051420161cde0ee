"""Golden outputs of ``runstrong evaluate --format json`` for every rule case and scenario.

A refactoring must leave every recommendation byte for byte as it was. The outputs are recorded
in ``tests/fixtures/evaluate_golden/`` (one file per case or scenario, named after it, holding the
exact text ``evaluate`` printed, so a change shows as a readable diff);
``tests/test_evaluate_golden.py`` re-runs the command and compares.

When a deliberate change alters recommendations (a new rule, a changed setting, a new case),
regenerate the file and review its diff before committing::

    python -m tests.golden --update
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from engine.cli.main import cli
from engine.evaluation.evaluators import get_evaluator
from engine.ruletools.cases import merge

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "evaluate_golden"


@dataclass(frozen=True)
class GoldenRequest:
    name: str  # RS101::fires_below_gate or scenario:<name>
    request: dict[str, Any]


def golden_requests() -> Iterator[GoldenRequest]:
    """The request of every rule case and scenario in the bundled rule directory."""
    ruleset = get_evaluator().ruleset
    for loaded in ruleset.cases:
        data = merge(ruleset.base_request, loaded.case.given)
        yield GoldenRequest(f"{loaded.rule}::{loaded.name}", _jsonable(data))
    for scenario in ruleset.scenarios:
        data = merge(ruleset.base_request, scenario.scenario.given)
        yield GoldenRequest(f"scenario:{scenario.name}", _jsonable(data))


def _jsonable(data: Any) -> Any:
    # YAML reads dates as date objects; the request as JSON carries them as ISO strings.
    return json.loads(json.dumps(data, default=str))


def evaluate_output(request: dict[str, Any]) -> str:
    """What ``runstrong evaluate --input - --format json`` prints for this request."""
    result = CliRunner().invoke(
        cli, ["evaluate", "--input", "-", "--format", "json"], input=json.dumps(request)
    )
    if result.exit_code != 0:
        raise RuntimeError(f"evaluate exited {result.exit_code}: {result.output}")
    return result.output


def fixture_path(name: str) -> Path:
    """``RS101::fires`` -> ``RS101__fires.json``; ``scenario:x`` -> ``scenario__x.json``."""
    return FIXTURES / (re.sub(r"[^A-Za-z0-9_.-]+", "__", name) + ".json")


def write_fixtures() -> int:
    """Record every output afresh (files of cases that no longer exist are removed)."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for old in FIXTURES.glob("*.json"):
        old.unlink()
    count = 0
    for item in golden_requests():
        fixture_path(item.name).write_text(evaluate_output(item.request), encoding="utf-8")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.golden", description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite the fixture")
    args = parser.parse_args(argv)
    if not args.update:
        parser.error("nothing to do: pass --update to rewrite the fixture")
    count = write_fixtures()
    print(f"wrote {count} outputs to {FIXTURES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
