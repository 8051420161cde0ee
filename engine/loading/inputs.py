"""Read requests and other model documents from files: YAML, JSON, or JSON Lines.

Every error names the file and line and the field, and nothing is returned unless the whole
input is valid, so a caller never acts on half a batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from engine.contract.errors import InputError, Problem
from engine.contract.limits import MAX_INPUT_BYTES, MAX_JSON_LINE_BYTES
from engine.loading.jsonio import load_json_text
from engine.loading.yamlio import (
    LocatedData,
    decode_text,
    load_yaml_text,
    problems_from_validation,
    read_limited,
)

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_text(source: str) -> tuple[str, str]:
    """The text of a file, or of standard input for ``-``; and the name to show in errors.

    At most MAX_INPUT_BYTES are read; bytes that are not UTF-8 are an error, not a crash.
    """
    if source == "-":
        import sys

        name = "<stdin>"
        if sys.stdin is None:  # started with standard input closed
            raise InputError([Problem("there is no standard input to read", file=name)])
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        if len(raw) > MAX_INPUT_BYTES:
            raise InputError(
                [Problem(f"input is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB", file=name)]
            )
    else:
        name = source
        path = Path(source)
        if not path.exists():
            raise InputError([Problem("file not found", file=source)])
        raw = read_limited(path, source, MAX_INPUT_BYTES)
    return decode_text(raw, name), name


def is_json(text: str, name: str) -> bool:
    """A ``.json`` file, or standard input that starts like a JSON object or list."""
    if name == "<stdin>":
        return text.lstrip()[:1] in ("{", "[")
    return name.lower().endswith(".json")


def load_text(text: str, name: str) -> LocatedData:
    """One document: JSON read as JSON (see :func:`is_json`), anything else as YAML."""
    return load_json_text(text, name) if is_json(text, name) else load_yaml_text(text, name)


def looks_like_json_lines(text: str) -> bool:
    """Several non-empty lines, each a JSON object on its own."""
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) > 1 and all(
        line.lstrip().startswith("{") and line.rstrip().endswith("}") for line in lines
    )


def _validate(
    model: type[ModelT],
    data: Any,
    name: str,
    located: LocatedData | None,
    context: dict[str, Any] | None,
    line: int | None = None,
) -> ModelT:
    if not isinstance(data, dict):
        raise InputError(
            [Problem("expected a mapping (an object) at the top level", file=name, line=line or 1)]
        )
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        problems = problems_from_validation(error, name, located)
        if line is not None:
            problems = [
                Problem(problem.message, file=name, line=line, field=problem.field)
                for problem in problems
            ]
        raise InputError(problems) from error


def parse_documents(
    text: str, name: str, model: type[ModelT], context: dict[str, Any] | None = None
) -> tuple[list[ModelT], bool]:
    """Parse one document (YAML or JSON) or JSON Lines; return the models and whether the
    input was JSON Lines. All lines are checked before anything is returned."""
    if looks_like_json_lines(text):
        models: list[ModelT] = []
        problems: list[Problem] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            if len(raw) > MAX_JSON_LINE_BYTES:
                problems.append(
                    Problem(
                        f"line is longer than {MAX_JSON_LINE_BYTES // 1024} KB",
                        file=name,
                        line=number,
                    )
                )
                continue
            try:
                # Parsing and validating in one step (in pydantic's core) is what keeps large
                # batches fast.
                models.append(model.model_validate_json(raw, context=context))
            except ValidationError as error:
                if any(item["type"] == "json_invalid" for item in error.errors()):
                    problems.append(Problem("not valid JSON", file=name, line=number))
                    continue
                problems.extend(
                    Problem(problem.message, file=name, line=number, field=problem.field)
                    for problem in problems_from_validation(error, name)
                )
        if problems:
            raise InputError(problems)
        return models, True
    located = load_text(text, name)
    if located.data is None:
        raise InputError([Problem("input is empty", file=name)])
    return [_validate(model, located.data, name, located, context)], False


def load_document(
    source: str, model: type[ModelT], context: dict[str, Any] | None = None
) -> ModelT:
    """Exactly one document of ``model`` from a file (or ``-``)."""
    text, name = read_text(source)
    documents, is_lines = parse_documents(text, name, model, context)
    if is_lines or len(documents) != 1:
        raise InputError([Problem("expected one document, not JSON Lines", file=name)])
    return documents[0]
