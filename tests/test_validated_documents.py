"""Stored recommendations validated once (engine/storage/validated_documents.py): the cache
gives exactly what validating the document gives, is keyed by the document and the contract's
code, and a check-in warms it so that the next ``today`` builds no validator at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from engine.contract.models import EvaluationRequest, Recommendation
from engine.evaluation.evaluators import get_evaluator
from engine.loading import owner_cache
from engine.loading.paths import rules_dir
from engine.storage import validated_documents
from engine.storage.schema import document
from engine.storage.validated_documents import cache_name, remember, validated
from tests.test_cli_shell import modules_after

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def recommendation() -> Recommendation:
    evaluator = get_evaluator()
    data = yaml.safe_load((rules_dir() / "fixtures" / "base_request.yaml").read_text())
    return evaluator.evaluate(EvaluationRequest.model_validate(data, context={"kb": evaluator.kb}))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(owner_cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> Recommendation:
        raise AssertionError("validated again")

    monkeypatch.setattr(Recommendation, "model_validate", refuse)


def test_a_document_read_twice_is_validated_once(
    recommendation: Recommendation, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = document(recommendation)
    first = validated(stored)
    assert first == Recommendation.model_validate(stored) == recommendation
    _no_validation(monkeypatch)
    # Read back from a column: the same document in another JSON spelling.
    assert validated(json.loads(json.dumps(stored, indent=1))) == first


def test_a_stored_recommendation_is_remembered_as_reading_it_would_give(
    recommendation: Recommendation, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = document(recommendation)
    remember(stored)
    _no_validation(monkeypatch)
    assert validated(stored) == recommendation


def test_another_document_or_other_contract_code_is_another_entry(
    recommendation: Recommendation, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = document(recommendation)
    name = cache_name(stored)
    assert cache_name({**stored, "rules_version": "other"}) != name
    monkeypatch.setattr(validated_documents, "_code_key", lambda: b"edited contract")
    assert cache_name(stored) != name


def test_an_invalid_document_is_refused_and_not_cached(
    recommendation: Recommendation, cache: Path
) -> None:
    broken = {**document(recommendation), "session": "not a session"}
    for _ in range(2):
        with pytest.raises(ValidationError):
            validated(broken)
    assert not list(cache.glob(validated_documents.PREFIX + "*"))


def test_after_a_checkin_today_builds_no_validator(tmp_path: Path) -> None:
    """The athlete's morning: a check-in, then ``today`` in a fresh process, which reads the
    card without building any pydantic validator (so without pydantic's plugin loader)."""
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {**os.environ, owner_cache.CACHE_ENV: str(tmp_path / "cache")}
    checkin = ["--recovery", "85", "--slept-well", "--soreness", "2", "--stress", "3"]
    for args in (
        ["demo"],
        ["today", "demo-runner"],
        ["checkin", "demo-runner", *checkin, "--replace"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "engine", "--db", db, *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
        )
        assert done.returncode == 0, done.stderr
    modules = modules_after("--db", db, "today", "demo-runner", cache_dir=tmp_path / "cache")
    assert "engine.storage.validated_documents" in modules  # the quick reader read the card
    assert "pydantic.plugin._loader" not in modules
