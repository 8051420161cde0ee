"""Shared fixtures: the bundled knowledge base, rule set and evaluator, and request builders."""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from engine.cli.main import cli
from engine.contract.models import EvaluationRequest
from engine.core.evaluator import Evaluator
from engine.evaluation.evaluators import get_evaluator
from engine.knowledge.base import KnowledgeBase, default_knowledge_base
from engine.loading import owner_cache
from engine.loading.paths import knowledge_base_dir, rules_dir
from engine.ruletools.cases import merge

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
_CACHE_DIR = pytest.StashKey[tuple[str, str | None]]()


def pytest_configure(config: pytest.Config) -> None:
    """The owner cache of loaded rules in a directory of this test process's own (each xdist
    worker has one), never the user's: a run must not read what another checkout, version or
    concurrent run wrote, nor leave its files there. Set in the environment, so the
    subprocesses the tests start use it too."""
    directory = tempfile.mkdtemp(prefix="runstrong-test-cache-")  # 0700, as the cache requires
    config.stash[_CACHE_DIR] = (directory, os.environ.get(owner_cache.CACHE_ENV))
    os.environ[owner_cache.CACHE_ENV] = directory


def pytest_unconfigure(config: pytest.Config) -> None:
    directory, before = config.stash.get(_CACHE_DIR, (None, None))
    if directory is None:
        return
    shutil.rmtree(directory, ignore_errors=True)
    if before is None:
        os.environ.pop(owner_cache.CACHE_ENV, None)
    else:
        os.environ[owner_cache.CACHE_ENV] = before


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_knowledge_base()


@pytest.fixture(scope="session")
def evaluator() -> Evaluator:
    return get_evaluator()


@pytest.fixture(scope="session")
def base_request_data() -> dict[str, Any]:
    return yaml.safe_load((rules_dir() / "fixtures" / "base_request.yaml").read_text())


@pytest.fixture
def make_request(base_request_data: dict[str, Any], kb: KnowledgeBase):
    """Build a validated request from changes to the base request."""

    def build(**changes: Any) -> EvaluationRequest:
        data = merge(copy.deepcopy(base_request_data), changes)
        return EvaluationRequest.model_validate(data, context={"kb": kb})

    return build


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the knowledge base, for tests that break it on purpose."""
    target = tmp_path / "knowledge_base"
    shutil.copytree(knowledge_base_dir(), target)
    return target


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the rule directory."""
    target = tmp_path / "rules"
    shutil.copytree(rules_dir(), target)
    return target


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A database URL in the test's own directory (created by whatever command creates it)."""
    return f"sqlite:///{tmp_path / 'runstrong.db'}"


@pytest.fixture
def run(db: str) -> Callable[..., Result]:
    """``runstrong --db DB ARGS`` as a person types it, with optional standard input."""
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None) -> Result:
        return runner.invoke(cli, ["--db", db, *args], input=input)

    return invoke


@pytest.fixture
def ivo(run) -> None:
    """An intermediate on the week-3 heavy-lifting session with three bells and no coach."""
    result = run(
        "athlete", "add", "ivo", "--level", "intermediate",
        "--equipment", "kettlebell,kettlebell_pair,box,mat",
        "--bells", "12,16,20", "--program", "heavy_lifting_for_runners:3", "--no-coach",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
