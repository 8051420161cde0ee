"""Shared fixtures: the bundled knowledge base, rule set and evaluator, and request builders."""

from __future__ import annotations

import copy
import shutil
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
from engine.loading.paths import knowledge_base_dir, rules_dir
from engine.ruletools.cases import merge

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


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
