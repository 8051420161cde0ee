"""Safe YAML loading that remembers where every value came from.

PyYAML's safe loader gives plain Python data but forgets line numbers, and it lets a repeated
key silently overwrite the first. Rule authors and coaches edit these files by hand, so an error
must point at a line: we compose the node tree once, build the data from it, and keep a map from
each value's path (``("stages", 2, "exercise")``) to its line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from engine.contract.errors import InputError, Problem

PathKey = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass
class LocatedData:
    """Data loaded from one YAML document, with the line of each value (1-based)."""

    data: Any
    file: str
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_for(self, path: Sequence[str | int]) -> int | None:
        """The line of the deepest known value on ``path`` (pydantic locations go deeper)."""
        key: PathKey = tuple(path)
        while True:
            if key in self.lines:
                return self.lines[key]
            if not key:
                return None
            key = key[:-1]


class _Loader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys."""


def _walk(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], file: str) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise InputError(
                    [
                        Problem(
                            f"duplicate key {key!r} (first at line {seen[key]})",
                            file=file,
                            line=key_node.start_mark.line + 1,
                        )
                    ]
                )
            seen[key] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, file)


def _syntax_problem(error: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    reason = getattr(error, "problem", None) or str(error)
    return Problem(f"not valid YAML: {reason}", file=file, line=line)


def load_yaml_text(text: str, file: str) -> LocatedData:
    """Parse one YAML (or JSON) document from text."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LocatedData(None, file)
        lines: dict[PathKey, int] = {}
        _walk(node, (), lines, file)
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        raise InputError([_syntax_problem(error, file)]) from error
    finally:
        loader.dispose()
    return LocatedData(data, file, lines)


def load_yaml_file(path: Path, display_name: str | None = None) -> LocatedData:
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError([Problem(f"cannot read file: {error.strerror}", file=name)]) from error
    except UnicodeDecodeError as error:
        raise InputError([Problem("file is not UTF-8 text", file=name)]) from error
    return load_yaml_text(text, name)


def format_loc(loc: Iterable[str | int]) -> str:
    """``("stages", 2, "exercise")`` -> ``stages[2].exercise``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _clean_loc(loc: Sequence[str | int]) -> list[str | int]:
    """Drop pydantic's union-branch labels (``int``, ``tuple[int, int]``) from a location."""
    cleaned: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and ("[" in part or part in {"int", "float", "str", "bool"}):
            continue
        if isinstance(part, str) and part.startswith("function-"):
            continue
        cleaned.append(part)
    return cleaned


_SHORT_EXPECTATIONS = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "string_pattern_mismatch": "an id (lower snake_case)",
    "literal_error": "one of the allowed words",
}


def problems_from_validation(
    error: ValidationError,
    file: str | None,
    located: LocatedData | None = None,
    prefix: Sequence[str | int] = (),
) -> list[Problem]:
    """Turn a pydantic ValidationError into located problems, one per field.

    A value that fails every branch of a union (a number *or* a range, say) makes pydantic
    report one error per branch; those are folded into a single "expected ..." message.
    """
    grouped: dict[tuple[str | int, ...], list[dict[str, Any]]] = {}
    for item in error.errors(include_url=False):
        loc = tuple([*prefix, *_clean_loc(item["loc"])])
        grouped.setdefault(loc, []).append({**item})
    problems: list[Problem] = []
    for loc, items in grouped.items():
        field_name = format_loc(loc) or None
        if len(items) == 1:
            only = items[0]
            if only["type"] == "extra_forbidden":
                message = "unknown field (not allowed here)"
            elif only["type"] == "missing":
                message = "required field is missing"
            else:
                message = str(only["msg"])
        else:
            expected = sorted(
                {_SHORT_EXPECTATIONS.get(each["type"], str(each["msg"])) for each in items}
            )
            message = f"invalid value {items[0].get('input')!r}; expected {' or '.join(expected)}"
        line = located.line_for(loc) if located is not None else None
        problems.append(Problem(message, file=file, line=line, field=field_name))
    return problems


def validate_located(
    model: type[ModelT],
    located: LocatedData,
    context: dict[str, Any] | None = None,
) -> ModelT:
    """Validate loaded data against a model; errors carry file, line and field."""
    try:
        return model.model_validate(located.data, context=context)
    except ValidationError as error:
        raise InputError(problems_from_validation(error, located.file, located)) from error
