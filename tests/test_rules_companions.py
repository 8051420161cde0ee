"""``rules validate`` and ``rules test`` read the files beside the rules too:
a broken invariants.yaml, season_invariants.yaml or catalogue.yaml used to pass with
"0 error(s)"; now it is an error naming the file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from engine.loading.paths import rules_dir

BROKEN = {
    "invariants.yaml": (
        "invariants:\n  - id: INV1\n    name: x\n    property: no_such\n",
        "invariants.yaml",
    ),
    "season_invariants.yaml": (
        "invariants:\n  - id: SINV1\n    name: x\n    property: no_such_property\n"
        "    sources: []\n",
        "season_invariants.yaml",
    ),
    "catalogue.yaml": ("rules:\n  - id: nonsense\n    entry: hi\n", "catalogue.yaml"),
}


@pytest.fixture(scope="module")
def rules_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(rules_dir(), target)
    return target


@pytest.fixture(params=sorted(BROKEN))
def broken(request: pytest.FixtureRequest, rules_copy: Path):
    name = request.param
    path = rules_copy / name
    original = path.read_text()
    path.write_text(BROKEN[name][0])
    yield rules_copy, BROKEN[name][1]
    path.write_text(original)


def test_the_copy_is_sound(rules_copy: Path) -> None:
    result = CliRunner().invoke(cli, ["rules", "validate", "--rules", str(rules_copy)])
    assert result.exit_code == 0, result.output


def test_validate_reports_a_broken_companion_file(broken) -> None:
    root, name = broken
    result = CliRunner().invoke(cli, ["rules", "validate", "--rules", str(root)])
    assert result.exit_code == 1, result.output
    assert f"error: {name}" in result.output or f"/{name}" in result.output, result.output
    assert "0 error(s)" not in result.output


def test_test_refuses_a_broken_companion_file(broken) -> None:
    root, name = broken
    result = CliRunner().invoke(cli, ["rules", "test", "--rules", str(root)])
    assert result.exit_code == 2, result.output
    assert name in result.output
