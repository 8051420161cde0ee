"""Every rule case and scenario gives byte for byte the recorded ``evaluate`` output.

Only ``rules_version`` is masked: it ends in a digest of the rule and knowledge-base files, so
moving a coaching choice from code into ``rules/settings.yaml`` changes it although no
recommendation changes. Everything else must match byte for byte.

Regenerate after a deliberate change with ``python -m tests.golden --update`` and review the
diff (see ``tests/golden.py``).
"""

from __future__ import annotations

import difflib
import re

import pytest

from tests.golden import FIXTURES, GoldenRequest, evaluate_output, fixture_path, golden_requests

CURRENT = list(golden_requests())
UPDATE = "run python -m tests.golden --update and review the diff"
VERSION = re.compile(r'^(  "rules_version": )"[^"]*"(,?)$', re.MULTILINE)


def _masked(output: str) -> str:
    masked, count = VERSION.subn(r'\1"<digest of the rule files>"\2', output)
    assert count == 1, "the output has no rules_version line"
    return masked


def test_fixtures_match_the_cases_and_scenarios() -> None:
    wanted = {fixture_path(item.name).name for item in CURRENT}
    recorded = {path.name for path in FIXTURES.glob("*.json")}
    assert len(wanted) == len(CURRENT), "two cases map to one fixture file"
    assert wanted == recorded, (
        f"missing {sorted(wanted - recorded)}, stale {sorted(recorded - wanted)}: {UPDATE}"
    )


@pytest.mark.parametrize("item", CURRENT, ids=[item.name for item in CURRENT])
def test_evaluate_output_is_unchanged(item: GoldenRequest) -> None:
    path = fixture_path(item.name)
    if not path.exists():
        pytest.fail(f"{item.name} has no recorded output: {UPDATE}")
    recorded = _masked(path.read_text(encoding="utf-8"))
    output = _masked(evaluate_output(item.request))
    if output != recorded:
        diff = "\n".join(
            difflib.unified_diff(
                recorded.splitlines(), output.splitlines(), "recorded", "now", lineterm=""
            )
        )
        pytest.fail(f"{item.name}: evaluate output changed ({UPDATE} if deliberate):\n{diff}")
