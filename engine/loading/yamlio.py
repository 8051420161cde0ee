"""Safe YAML loading that remembers where every value came from.

PyYAML's safe loader gives plain Python data but forgets line numbers, and it lets a repeated
key silently overwrite the first. Rule authors and coaches edit these files by hand, so an error
must point at a line: we compose the node tree once, build the data from it, and keep a map from
each value's path (``("stages", 2, "exercise")``) to its line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from engine.contract.errors import InputError, Problem, plain_message
from engine.contract.limits import (
    ALIAS_EXPANSION_ALLOWANCE,
    MAX_ALIAS_EXPANSION_RATIO,
    MAX_DOCUMENT_BYTES,
    MAX_NESTING_DEPTH,
)

PathKey = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass
class LocatedData:
    """Data loaded from one YAML document, with the line of each value (1-based)."""

    data: Any
    file: str
    lines: dict[PathKey, int] = field(default_factory=dict)
    # Builds ``lines`` when first needed (the JSON loader: only errors need lines).
    locate: Callable[[], dict[PathKey, int]] | None = field(default=None, repr=False)

    def line_for(self, path: Sequence[str | int]) -> int | None:
        """The line of the deepest known value on ``path`` (pydantic locations go deeper)."""
        if self.locate is not None:
            self.lines, self.locate = self.locate(), None
        key: PathKey = tuple(path)
        while True:
            if key in self.lines:
                return self.lines[key]
            if not key:
                return None
            key = key[:-1]


# libyaml's parser is about 8x faster than the pure-Python one on the bundled rule and
# knowledge-base files; both give the same events, so the data and the line numbers agree
# (tests/test_loading.py checks that on every shipped file).
FAST_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PURE_LOADER: type[Any] = yaml.SafeLoader

_FLOAT_TAG = "tag:yaml.org,2002:float"


def _problem(message: str, file: str, mark: Any = None) -> InputError:
    line = mark.line + 1 if mark is not None else None
    return InputError([Problem(message, file=file, line=line)])


def _is_non_finite(loader: Any, node: yaml.ScalarNode) -> bool:
    if node.tag != _FLOAT_TAG:
        return False
    try:
        value = loader.construct_yaml_float(node)
    except (ValueError, yaml.YAMLError):
        return False
    return not math.isfinite(value)


def _walk(loader: Any, root: yaml.Node, file: str) -> dict[PathKey, int]:
    """The line of every value, by path; refuses what the data model cannot hold.

    Refused here: nesting deeper than MAX_NESTING_DEPTH, a repeated key, a key that is a list
    or a mapping, an infinite or NaN number, and aliases that expand to far more values than
    the file writes ("billion laughs"). Iterative, so no input can exhaust the stack.
    """
    lines: dict[PathKey, int] = {}
    written: set[int] = set()  # distinct nodes: an alias is its anchor's node again
    visited = 0
    todo: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    while todo:
        node, path = todo.pop()
        visited += 1
        written.add(id(node))
        budget = len(written) * MAX_ALIAS_EXPANSION_RATIO + ALIAS_EXPANSION_ALLOWANCE
        if visited > budget:
            raise _problem(
                f"aliases expand to more than {budget} values, over "
                f"{MAX_ALIAS_EXPANSION_RATIO} times what the file writes; refused",
                file,
                node.start_mark,
            )
        if len(path) > MAX_NESTING_DEPTH:
            raise _problem(
                f"nested more than {MAX_NESTING_DEPTH} levels deep", file, node.start_mark
            )
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            children: list[tuple[yaml.Node, PathKey]] = []
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _problem(
                        "a key must be a plain value, not a list or a mapping",
                        file,
                        key_node.start_mark,
                    )
                key = key_node.value
                if key in seen:
                    raise _problem(
                        f"duplicate key {key!r} (first at line {seen[key]})",
                        file,
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line + 1
                children.append((value_node, (*path, key)))
            todo.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(
                (item, (*path, index)) for index, item in reversed(list(enumerate(node.value)))
            )
        elif isinstance(node, yaml.ScalarNode) and _is_non_finite(loader, node):
            raise _problem(
                f"{node.value!r} is not a finite number (infinity and NaN are refused)",
                file,
                node.start_mark,
            )
        elif isinstance(node, yaml.ScalarNode) and node.tag in _CHECKED_TAGS:
            _check_scalar(loader, node, file, path)
    return lines


# Scalars whose syntax YAML accepts but whose value Python may not hold: 2026-02-30 has the
# shape of a date, and an integer of 5,000 digits passes the resolver but not int().
_CHECKED_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int"}


def _check_scalar(loader: Any, node: yaml.ScalarNode, file: str, path: PathKey) -> None:
    try:
        if node.tag.endswith("timestamp"):
            loader.construct_yaml_timestamp(node)
        else:
            loader.construct_yaml_int(node)
    except (ValueError, OverflowError) as error:
        what = "date" if node.tag.endswith("timestamp") else "whole number"
        shown = (
            node.value
            if len(node.value) <= 40
            else f"{node.value[:20]}... ({len(node.value)} characters)"
        )
        message = f"{shown!r} is not a valid {what} ({error})"[:300]
        field = ".".join(str(part) for part in path) or None
        problem = Problem(message, file=file, line=node.start_mark.line + 1, field=field)
        raise InputError([problem]) from error


def _syntax_problem(error: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    reason = getattr(error, "problem", None) or str(error)
    if isinstance(error, yaml.reader.ReaderError):
        reason = "contains a control character or bytes that are not text"
    return Problem(f"not valid YAML: {reason}", file=file, line=line)


def check_size(text: str, file: str, limit: int = MAX_DOCUMENT_BYTES) -> None:
    """Refuse a document larger than ``limit`` bytes (UTF-8) before parsing it."""
    if len(text) * 4 <= limit:  # a character is at most 4 bytes: no need to encode
        return
    if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
        raise InputError(
            [Problem(f"input is larger than the limit of {limit // (1024 * 1024)} MB", file=file)]
        )


def load_yaml_text(text: str, file: str, *, loader_class: type[Any] | None = None) -> LocatedData:
    """Parse one YAML document from text, with the line of every value.

    ``loader_class`` picks the parser (the libyaml one by default, when installed); both give
    the same data and lines.
    """
    check_size(text, file)
    loader = None
    try:
        # The pure-Python reader checks the text for control characters when it is built, so
        # building it belongs inside the try.
        loader = (loader_class or FAST_LOADER)(text)
        # libyaml refuses nesting past 1,000 levels itself; the pure-Python composer recurses
        # and so hits RecursionError first (caught below). _walk then applies our own cap.
        node = loader.get_single_node()
        if node is None:
            return LocatedData(None, file)
        lines = _walk(loader, node, file)
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        raise InputError([_syntax_problem(error, file)]) from error
    except RecursionError as error:
        raise InputError(
            [Problem(f"nested more than {MAX_NESTING_DEPTH} levels deep", file=file)]
        ) from error
    finally:
        if loader is not None:
            loader.dispose()
    return LocatedData(data, file, lines)


def read_limited(path: Path, name: str, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """A file's bytes, refusing one that is not a regular file or is larger than ``limit``."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as error:
        raise InputError([Problem(f"cannot read file: {error.strerror}", file=name)]) from error
    if len(raw) > limit:
        raise InputError(
            [Problem(f"file is larger than the limit of {limit // (1024 * 1024)} MB", file=name)]
        )
    return raw


def decode_text(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError([Problem("file is not UTF-8 text", file=name)]) from error


def read_yaml_file(path: Path, display_name: str | None = None) -> tuple[bytes, LocatedData]:
    """A YAML file's bytes (for content hashes) and its located data."""
    name = display_name or str(path)
    raw = read_limited(path, name)
    return raw, load_yaml_text(decode_text(raw, name), name)


def load_yaml_file(path: Path, display_name: str | None = None) -> LocatedData:
    return read_yaml_file(path, display_name)[1]


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
            message = plain_message(items[0])
        else:
            expected = sorted(
                {_SHORT_EXPECTATIONS.get(each["type"], plain_message(each)) for each in items}
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
