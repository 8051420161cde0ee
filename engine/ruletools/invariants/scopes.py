"""What invariants add to the path language of :mod:`engine.ruletools.paths`: the roots a path
starts from, ``for_each`` paths with ``[*]``, and ``{item.field}`` inside a selector."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.rulebook.operators import MISSING
from engine.ruletools.invariants.spec import ITEM, ROOTS
from engine.ruletools.paths import parse_segment, resolve, split_path

_INTERPOLATION = re.compile(r"\{(item(?:\.[a-z_][a-z0-9_]*)+)\}")


def path_problem(path: str, *, for_each: bool, iterate: bool = False) -> str | None:
    """Why this path cannot be used here, or None."""
    segments = split_path(path)
    for segment in segments:
        match = parse_segment(segment)
        if match is None:
            return f"bad path segment {segment!r} (name, or name[key=value], name[0], name[*])"
        select = match["select"]
        if select == "*" and not iterate:
            return "[*] is only allowed in for_each"
        if select and _INTERPOLATION.search(select) and not for_each:
            return "{item...} needs for_each"
    roots = (*ROOTS, ITEM) if for_each and not iterate else ROOTS
    root = parse_segment(segments[0])
    if root is not None and root["name"] == ITEM and not for_each:
        return "'item' paths need for_each"
    if root is None or root["name"] not in roots:
        return f"a path starts with one of: {', '.join(roots)}"
    if iterate and not any(segment.endswith("[*]") for segment in segments):
        return "for_each needs a [*] to iterate over"
    return None


def interpolate(path: str, scope: Mapping[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        value = resolve(scope, match[1])
        return "<absent>" if value is MISSING else str(value)

    return _INTERPOLATION.sub(replace, path)


def expand(document: Mapping[str, Any], path: str) -> list[tuple[str, Any]]:
    """Every item a ``for_each`` path names, with a label saying where it is."""
    nodes: list[tuple[str, Any]] = [("", document)]
    for segment in split_path(path):
        out: list[tuple[str, Any]] = []
        for label, node in nodes:
            prefix = f"{label}." if label else ""
            if segment.endswith("[*]"):
                name = segment[:-3]
                child = resolve(node, name)
                if isinstance(child, list):
                    out.extend((f"{prefix}{name}[{i}]", item) for i, item in enumerate(child))
                elif isinstance(child, dict):
                    out.extend((f"{prefix}{name}.{key}", item) for key, item in child.items())
            else:
                child = resolve(node, segment)
                if child is not MISSING:
                    out.append((f"{prefix}{segment}", child))
        nodes = out
    return nodes
