"""Load and check an invariants file: its sources, paths and settings, with file and line."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from engine.contract.errors import InputError, Problem
from engine.core.evaluator import Evaluator
from engine.knowledge.base import KnowledgeBase
from engine.loading.yamlio import LocatedData, format_loc, load_yaml_file, validate_located
from engine.rulebook.spec import SettingRef
from engine.ruletools.invariants.scopes import path_problem
from engine.ruletools.invariants.spec import (
    INVARIANTS_FILE,
    Conditions,
    Expectation,
    InvariantFile,
    InvariantSpec,
    LoadedInvariant,
)


def _setting_refs(value: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, SettingRef):
        yield ("setting",), value.setting
    elif isinstance(value, Expectation):
        for op, operand in value.operators().items():
            for sub, key in _setting_refs(operand):
                yield (op, *sub), key
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for sub, key in _setting_refs(item):
                yield (index, *sub), key


def _check_spec(
    spec: InvariantSpec,
    located: LocatedData,
    where: tuple[str | int, ...],
    settings: Mapping[str, Any],
    kb: KnowledgeBase,
) -> list[Problem]:
    problems: list[Problem] = []

    def problem(message: str, path: tuple[str | int, ...]) -> None:
        problems.append(
            Problem(message, file=located.file, line=located.line_for(path), field=format_loc(path))
        )

    for index, source in enumerate(spec.sources):
        if not kb.is_source(source):
            problem(
                f"unknown source {source!r} (not a knowledge-base fact or default)",
                (*where, "sources", index),
            )
    for_each = spec.for_each is not None
    if spec.for_each is not None:
        reason = path_problem(spec.for_each, for_each=True, iterate=True)
        if reason:
            problem(reason, (*where, "for_each"))
    groups: list[tuple[tuple[str | int, ...], Conditions]] = [((*where, "when"), spec.when)]
    groups += [((*where, "any_of", i), group) for i, group in enumerate(spec.any_of)]
    if isinstance(spec.then, list):
        groups += [((*where, "then", i), group) for i, group in enumerate(spec.then)]
    else:
        groups.append(((*where, "then"), spec.then))
    for group_path, conditions in groups:
        for path, condition in conditions.items():
            reason = path_problem(path, for_each=for_each)
            if reason:
                problem(f"{reason}: {path!r}", (*group_path, path))
            for sub, key in _setting_refs(condition):
                if key not in settings:
                    problem(f"unknown setting {key!r}", (*group_path, path, *sub))
    return problems


def load_invariants(
    path: Path,
    settings: Mapping[str, Any],
    kb: KnowledgeBase,
    display_name: str | None = None,
) -> list[LoadedInvariant]:
    """Load and check an invariants file; InputError lists every problem with file and line."""
    located = load_yaml_file(path, display_name)
    parsed = validate_located(InvariantFile, located)
    problems: list[Problem] = []
    seen: dict[str, int | None] = {}
    loaded: list[LoadedInvariant] = []
    for index, spec in enumerate(parsed.invariants):
        where: tuple[str | int, ...] = ("invariants", index)
        line = located.line_for(where)
        for key, value in (("id", spec.id), ("name", spec.name)):
            if value in seen:
                problems.append(
                    Problem(
                        f"duplicate invariant {key} {value!r} (first at line {seen[value]})",
                        file=located.file,
                        line=located.line_for((*where, key)),
                        field=f"invariants[{index}].{key}",
                    )
                )
            seen[value] = located.line_for((*where, key))
        problems.extend(_check_spec(spec, located, where, settings, kb))
        loaded.append(LoadedInvariant(spec, located.file, line))
    if problems:
        raise InputError(problems)
    return loaded


def invariants_path(rules_root: Path) -> Path:
    return rules_root / INVARIANTS_FILE


def invariants_for(evaluator: Evaluator, path: Path | None = None) -> list[LoadedInvariant]:
    """The invariants of the evaluator's rule directory (or of ``path``)."""
    root = evaluator.ruleset.root
    target = path or invariants_path(root)
    display = None
    if path is None:
        display = evaluator.ruleset.display_path(INVARIANTS_FILE)
    if not target.is_file():
        raise InputError([Problem("invariants file not found", file=display or str(target))])
    return load_invariants(target, evaluator.ruleset.settings, evaluator.kb, display)
