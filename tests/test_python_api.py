"""The Python API: three lines evaluate a request from a dict, a file or a model; a bad request
is an InputError naming the field; ``import engine`` stays cheap."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
import yaml

import engine
from engine.loading.paths import rules_dir

BASE = rules_dir() / "fixtures" / "base_request.yaml"


@pytest.fixture
def data() -> dict:
    return dict(yaml.safe_load(BASE.read_text()))


def test_three_lines_evaluate_a_request(data) -> None:
    from engine import evaluate

    rec = evaluate(data)
    assert isinstance(rec, engine.Recommendation)
    assert rec.session.program == "heavy_lifting_for_runners"
    assert rec.rationale and all(entry.sources for entry in rec.rationale)


def test_a_file_a_dict_and_a_model_give_the_same_recommendation(data, evaluator) -> None:
    from_file = engine.evaluate(str(BASE))
    from_dict = engine.evaluate(data, using=evaluator)
    # A model built without the knowledge base is validated again against it.
    model = engine.EvaluationRequest.model_validate(data)
    assert from_file == from_dict == engine.evaluate(model)


def test_a_bad_request_names_the_field(data) -> None:
    bad = copy.deepcopy(data)
    bad["athlete"]["ladders"]["pistol_squat"]["stage"] = "no_such_stage"
    with pytest.raises(engine.InputError) as caught:
        engine.evaluate(bad)
    assert "athlete.ladders" in str(caught.value)
    assert "no_such_stage" in str(caught.value)
    # The same request as a model built without the knowledge base: the same clear error, not
    # a KeyError from the planner.
    with pytest.raises(engine.InputError):
        engine.evaluate(engine.EvaluationRequest.model_validate(bad))
    with pytest.raises(engine.InputError):
        engine.evaluate(["not", "a", "request"])  # type: ignore[arg-type]


def test_the_package_exports_what_all_names() -> None:
    assert sorted(engine.__all__) == sorted([*engine._EXPORTS, "__version__"])
    for name in engine.__all__:
        assert getattr(engine, name) is not None
    with pytest.raises(AttributeError):
        _ = engine.no_such_name  # type: ignore[attr-defined]


def test_importing_the_package_loads_no_engine() -> None:
    code = (
        "import sys, engine; "
        "print(any(m.startswith(('durable', 'sqlalchemy', 'engine.core')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_package_is_typed() -> None:
    from pathlib import Path

    assert (Path(engine.__file__).parent / "py.typed").is_file()
