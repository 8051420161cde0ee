"""Strict JSON loading that can still say on which line a value sits.

A ``.json`` file (or JSON on standard input) is read with a JSON parser, not as YAML 1.1, so
``2.4E1`` is a number and ``yes`` is not a boolean. Infinity and NaN are refused (JSON has
neither; Python's parser accepts them), and so are repeated keys. The map from each value's
path to its line is built only when an error needs it: a second, tokenising pass that costs
nothing on the valid inputs that make up nearly every call.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from typing import Any

from engine.contract.errors import InputError, Problem
from engine.contract.limits import MAX_NESTING_DEPTH
from engine.loading.yamlio import LocatedData, PathKey, check_size

_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|([{}\[\]:,])|([^\s{}\[\]:,"]+))')
_NON_FINITE = {"NaN", "Infinity", "-Infinity"}


class _Refused(ValueError):
    """A value JSON allows but runstrong does not (found by the fast pass, located later)."""


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(text)
    return value


def _refuse_constant(text: str) -> float:
    raise _Refused(text)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _Refused(key)
        data[key] = value
    return data


def _too_deep(data: Any) -> bool:
    todo: list[tuple[Any, int]] = [(data, 0)]
    while todo:
        value, depth = todo.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_NESTING_DEPTH:
                return True
            children = value.values() if isinstance(value, dict) else value
            todo.extend((child, depth + 1) for child in children)
    return False


def json_line_map(text: str, file: str) -> dict[PathKey, int]:
    """The line of every value of a valid JSON document, by path.

    Raises InputError, with the line, on a repeated key or a non-finite number.
    """
    newlines = [match.start() for match in re.finditer("\n", text)]

    def line_at(position: int) -> int:
        return bisect.bisect_left(newlines, position) + 1

    lines: dict[PathKey, int] = {}
    # Open containers: [path, is_object, current key or index, keys seen, expecting a key]
    stack: list[list[Any]] = []

    def value_path() -> PathKey:
        if not stack:
            return ()
        path, _, slot, _, _ = stack[-1]
        return (*path, slot)

    for match in _TOKEN.finditer(text):
        string, punct, bare = match.groups()
        position = match.start(1 if string else 2 if punct else 3)
        top = stack[-1] if stack else None
        if punct in ("{", "["):
            lines[value_path()] = line_at(position)
            stack.append([value_path(), punct == "{", 0, set(), punct == "{"])
        elif punct in ("}", "]"):
            stack.pop()
        elif punct == "," and top is not None:
            if top[1]:
                top[4] = True
            else:
                top[2] += 1
        elif punct == ":" or punct == ",":
            continue
        elif string is not None and top is not None and top[1] and top[4]:
            key = json.loads(string)
            if key in top[3]:
                raise InputError(
                    [Problem(f"duplicate key {key!r}", file=file, line=line_at(position))]
                )
            top[3].add(key)
            top[2] = key
            top[4] = False
        else:
            lines[value_path()] = line_at(position)
            if bare is not None and (
                bare in _NON_FINITE
                or (bare[:1] in "-0123456789" and not math.isfinite(float(bare)))
            ):
                raise InputError(
                    [
                        Problem(
                            f"{bare} is not a finite number (infinity and NaN are refused)",
                            file=file,
                            line=line_at(position),
                            field=None,
                        )
                    ]
                )
    return lines


def load_json_text(text: str, file: str) -> LocatedData:
    """Parse one JSON document; its line map is built on first use."""
    check_size(text, file)
    try:
        data = json.loads(
            text,
            parse_float=_finite_float,
            parse_constant=_refuse_constant,
            object_pairs_hook=_unique_pairs,
        )
    except json.JSONDecodeError as error:
        raise InputError(
            [Problem(f"not valid JSON: {error.msg}", file=file, line=error.lineno)]
        ) from None
    except _Refused:
        json_line_map(text, file)  # raises with the line of the refused value
        raise InputError([Problem("refused value in JSON", file=file)]) from None
    except RecursionError:
        raise InputError(
            [Problem(f"nested more than {MAX_NESTING_DEPTH} levels deep", file=file)]
        ) from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise InputError([Problem(f"not valid JSON: {error}", file=file)]) from None
    if _too_deep(data):
        raise InputError([Problem(f"nested more than {MAX_NESTING_DEPTH} levels deep", file=file)])
    return LocatedData(data, file, locate=lambda: json_line_map(text, file))
