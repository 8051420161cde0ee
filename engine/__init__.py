"""runstrong: a rule-based progression engine for runners who strength-train.

The package root is the Python API (:mod:`engine.api`)::

    from engine import evaluate
    rec = evaluate("request.yaml")   # or a dict, or an EvaluationRequest
    print(rec.session.title, [entry.rule for entry in rec.rationale])

Names are imported on first use, so ``import engine`` (and the ``runstrong`` command's start-up)
stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    "evaluate": "engine.api",
    "evaluator": "engine.api",
    "request_from": "engine.api",
    "Evaluator": "engine.core.evaluator",
    "EvaluationRequest": "engine.contract.models",
    "Recommendation": "engine.contract.models",
    "AthleteProfile": "engine.contract.models",
    "CheckIn": "engine.contract.models",
    "SessionLog": "engine.contract.models",
    "ExerciseLog": "engine.contract.models",
    "PlannedRun": "engine.contract.models",
    "Session": "engine.contract.models",
    "LoadChange": "engine.contract.models",
    "Progression": "engine.contract.models",
    "RunstrongError": "engine.contract.errors",
    "UserError": "engine.contract.errors",
    "InputError": "engine.contract.errors",
    "EngineError": "engine.contract.errors",
    "Problem": "engine.contract.errors",
}

__all__ = [
    "AthleteProfile",
    "CheckIn",
    "EngineError",
    "EvaluationRequest",
    "Evaluator",
    "ExerciseLog",
    "InputError",
    "LoadChange",
    "PlannedRun",
    "Problem",
    "Progression",
    "Recommendation",
    "RunstrongError",
    "Session",
    "SessionLog",
    "UserError",
    "__version__",
    "evaluate",
    "evaluator",
    "request_from",
]

if TYPE_CHECKING:
    from engine.api import evaluate, evaluator, request_from
    from engine.contract.errors import EngineError, InputError, Problem, RunstrongError, UserError
    from engine.contract.models import (
        AthleteProfile,
        CheckIn,
        EvaluationRequest,
        ExerciseLog,
        LoadChange,
        PlannedRun,
        Progression,
        Recommendation,
        Session,
        SessionLog,
    )
    from engine.core.evaluator import Evaluator


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
