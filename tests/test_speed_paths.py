"""The shortcuts that make evaluation and start-up cheaper keep their results and their checks.

No timing here: speed is read from tests/benchmarks/, these only pin what the shortcuts must not
change (a reused conclusion is still a checked one; the facts the rules get and the features a
coach reads are the same values).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from engine.contract.models import EvaluationRequest
from engine.core.runtime import RuleEngine
from engine.evaluation.evaluators import get_evaluator
from engine.loading.paths import rules_dir
from engine.rulebook.facts import CONCLUSION_DEFAULTS, PrescriptionFact


def _engine() -> RuleEngine:
    return get_evaluator().engine


def _prescription(**fields: Any) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], dict[str, Any]]:
    values = {**CONCLUSION_DEFAULTS["prescription"], "target": "speed_test", **fields}
    return ("prescription", tuple(sorted(values.items()))), values


def test_a_repeated_conclusion_is_validated_once_and_reused() -> None:
    engine = _engine()
    signature, fields = _prescription(sets=3)
    first = engine._validated(signature, "prescription", fields)
    assert isinstance(first, PrescriptionFact)
    assert first.sets == 3
    assert engine._validated(signature, "prescription", dict(fields)) is first


def test_an_invalid_conclusion_fails_every_time() -> None:
    engine = _engine()
    signature, fields = _prescription(sets="three")
    for _ in range(2):
        with pytest.raises(ValidationError):
            engine._validated(signature, "prescription", fields)


def test_equal_values_of_another_type_are_validated_on_their_own() -> None:
    # True == 1 and hash(True) == hash(1): a cache keyed by values alone would hand the model
    # validated from 1 to a conclusion that says True, which strict validation refuses.
    engine = _engine()
    signature, fields = _prescription(sets=1)
    engine._validated(signature, "prescription", fields)
    signature_bool, fields_bool = _prescription(sets=True)
    assert signature_bool == signature
    with pytest.raises(ValidationError):
        engine._validated(signature_bool, "prescription", fields_bool)


def test_the_rules_and_the_coach_see_the_same_fact_values() -> None:
    evaluator = get_evaluator()
    data = yaml.safe_load((rules_dir() / "fixtures" / "base_request.yaml").read_text())
    request = EvaluationRequest.model_validate(data, context={"kb": evaluator.kb})
    bundle = evaluator.facts(request)
    facts = {fact["type"]: fact for fact in bundle.as_dicts()}
    features = bundle.features()
    for name in ("athlete", "checkin", "history"):
        sent = {key: value for key, value in facts[name].items() if key not in ("id", "type")}
        assert sent == features[name]
    # Dumped once: a second call gives equal, separate lists.
    assert bundle.as_dicts() == bundle.as_dicts()
    assert bundle.as_dicts() is not bundle.as_dicts()
