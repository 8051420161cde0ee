"""Installed from a wheel and run outside the checkout, runstrong still finds its data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO
from .test_knowledge import CATALOGUE_EXERCISES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("runstrong-*.whl")
    return built


def test_wheel_carries_rules_and_knowledge_base(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "engine/_data/rules/settings.yaml" in names
    assert "engine/_data/knowledge_base/ladders/pistol_squat.yaml" in names
    assert any(name.startswith("engine/_data/rules/cases/") for name in names)
    # The web app's templates and stylesheet ship in the package (nothing from the internet).
    assert "engine/web/templates/base.html" in names
    assert "engine/web/static/app.css" in names
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    assert "runstrong = engine.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    located = subprocess.run(
        [sys.executable, "-c", "import engine.loading.paths as p; print(p.rules_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert located.stdout.strip().startswith(str(target))  # not the checkout
    listed = subprocess.run(
        [sys.executable, "-m", "engine", "kb", "list", "exercises", "--format", "json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    ids = {row["id"] for row in json.loads(listed.stdout)}
    assert ids >= CATALOGUE_EXERCISES
    request = REPO / "rules" / "fixtures" / "base_request.yaml"
    evaluated = subprocess.run(
        [sys.executable, "-m", "engine", "evaluate", "--input", str(request), "--format", "json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(evaluated.stdout)["session"]["kind"] == "strength"
