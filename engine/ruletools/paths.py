"""The one path language of rule-case expectations and invariants.

A path walks a JSON document: names separated by dots, each optionally followed by one
selector in brackets that picks a list item: ``[2]`` by position, ``[key=value]`` the first
mapping whose ``key`` is ``value`` (compared as text). Dots inside brackets belong to the
selector. Invariants add two selectors on top (:mod:`engine.ruletools.invariants`): ``[*]``
(every item, in ``for_each``) and ``{item.field}`` inside a selector.

A path that leads nowhere resolves to :data:`~engine.rulebook.operators.MISSING`.
"""

from __future__ import annotations

import re
from typing import Any

from engine.rulebook.operators import MISSING

SEGMENT = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)?(?:\[(?P<select>[^\[\]]+)\])?$")


def split_path(path: str) -> list[str]:
    """Split on dots outside brackets: ``a[x={item.b}].c`` -> ``["a[x={item.b}]", "c"]``."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in path:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def parse_segment(segment: str) -> re.Match[str] | None:
    """The segment's ``name`` and ``select`` groups, or None when it is not a path segment."""
    match = SEGMENT.match(segment)
    if match is None or not (match["name"] or match["select"]):
        return None
    return match


def select(items: Any, selector: str) -> Any:
    """The list item a selector picks, or MISSING."""
    if not isinstance(items, list):
        return MISSING
    if selector.isdigit():
        index = int(selector)
        return items[index] if index < len(items) else MISSING
    key, _, wanted = selector.partition("=")
    for item in items:
        if isinstance(item, dict) and str(item.get(key)) == wanted:
            return item
    return MISSING


def resolve(document: Any, path: str) -> Any:
    """The value at ``path`` in ``document``, or MISSING; ValueError for a malformed path."""
    current = document
    for segment in split_path(path):
        match = parse_segment(segment)
        if match is None:
            raise ValueError(f"bad path segment {segment!r} in {path!r}")
        if match["name"]:
            if not isinstance(current, dict) or match["name"] not in current:
                return MISSING
            current = current[match["name"]]
        if match["select"]:
            current = select(current, match["select"])
            if current is MISSING:
                return MISSING
    return current
