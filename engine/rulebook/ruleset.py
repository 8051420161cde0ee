"""Load a rule directory and check it against the fact models, settings and knowledge base.

A rule directory holds:

- ``settings.yaml``: tunable numbers and choices, each with its sources (the ones the
  engine reads itself must be there: :mod:`engine.rulebook.engine_settings`);
- ``*.yaml``: rule files, one concern each;
- ``cases/*.yaml``: per-rule cases (rule id -> case name -> case);
- ``scenarios/*.yaml``: whole-recommendation scenarios;
- ``fixtures/base_request.yaml``: the request that cases and scenarios change.

Every problem is reported with its file, line and field, all at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from engine.contract.errors import InputError, Problem
from engine.contract.formatting import fmt_value
from engine.knowledge.base import KnowledgeBase, default_knowledge_base
from engine.loading.paths import rules_dir
from engine.loading.yamlio import (
    LocatedData,
    format_loc,
    problems_from_validation,
    read_limited,
    read_yaml_file,
    validate_located,
)
from engine.rulebook.engine_settings import EngineSettings, engine_setting_problems
from engine.rulebook.facts import (
    CONCLUSION_DEFAULTS,
    FACT_TYPES,
    RESERVED_KEYS,
    coerce_conclusion_value,
)
from engine.rulebook.operators import ORDER_OPERATORS
from engine.rulebook.spec import (
    Comparison,
    FieldRef,
    RuleCase,
    RuleFile,
    RuleSpec,
    Scenario,
    SettingRef,
    SettingsFile,
)

# YAML files at the top of a rule directory that hold no rules.
NOT_RULE_FILES = frozenset(
    {"settings.yaml", "invariants.yaml", "season_invariants.yaml", "catalogue.yaml"}
)

_CASES_ADAPTER: TypeAdapter[dict[str, dict[str, RuleCase]]] = TypeAdapter(
    dict[str, dict[str, RuleCase]]
)


@dataclass(frozen=True)
class LoadedRule:
    spec: RuleSpec
    file: str
    line: int | None
    rank: int = 0  # position in firing-priority order (priority, then id)


@dataclass(frozen=True)
class LoadedCase:
    rule: str
    name: str
    case: RuleCase
    file: str
    line: int | None


@dataclass(frozen=True)
class LoadedScenario:
    name: str
    scenario: Scenario
    file: str


@dataclass
class RuleSet:
    root: Path
    version: str
    settings: dict[str, Any]
    setting_sources: dict[str, list[str]]
    rules: list[LoadedRule]
    # The same values, typed, for the engine's own code (the rules read ``settings`` by key).
    engine_settings: EngineSettings
    setting_units: dict[str, str] = field(default_factory=dict)
    cases: list[LoadedCase] = field(default_factory=list)
    scenarios: list[LoadedScenario] = field(default_factory=list)
    base_request: dict[str, Any] = field(default_factory=dict)
    digest: str = ""
    warnings: list[Problem] = field(default_factory=list)

    def rule(self, rule_id: str) -> LoadedRule:
        for loaded in self.rules:
            if loaded.spec.id == rule_id:
                return loaded
        raise KeyError(rule_id)

    def find(self, text: str) -> LoadedRule | None:
        """The rule with this id (in any case) or this name, or None."""
        wanted = text.strip().lower()
        for loaded in self.rules:
            if wanted in (loaded.spec.id.lower(), loaded.spec.name):
                return loaded
        return None

    def describe_setting(self, key: str) -> str:
        """``key = value unit``, as a person reads it (lists in brackets, empty text as "")."""
        value = self.settings.get(key)
        if isinstance(value, list):
            shown = "[" + ", ".join(str(item) for item in value) + "]"
        elif isinstance(value, bool):
            shown = "true" if value else "false"
        elif value == "":
            shown = '""'
        else:
            shown = fmt_value(value)
        unit = self.setting_units.get(key)
        return f"{key} = {shown}" + (f" {unit}" if unit else "")

    def display_path(self, name: str) -> str:
        """How messages name a file of this rule directory (see :func:`display_path`)."""
        return display_path(self.root, self.root / name)

    @cached_property
    def by_id(self) -> dict[str, RuleSpec]:
        """Built once per rule set: every evaluation's trace looks its rules up here."""
        return {loaded.spec.id: loaded.spec for loaded in self.rules}


def display_path(root: Path, path: Path) -> str:
    """How messages name a file of a rule directory: ``rules/...`` for the bundled directory,
    else the path under the directory given (relative to the working directory if inside it)."""
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
    if root.resolve() == rules_dir().resolve():
        return f"rules/{relative}"
    try:
        return (root.resolve().relative_to(Path.cwd().resolve()) / relative).as_posix()
    except ValueError:
        return (root.resolve() / relative).as_posix()


def _field_type(fact_type: str, field_name: str) -> Any:
    model: type[BaseModel] = FACT_TYPES[fact_type]
    info = model.model_fields.get(field_name)
    return None if info is None else info.annotation


def _value_fits(annotation: Any, value: Any) -> bool:
    """Whether a literal in a rule can ever equal a value of this fact field."""
    if annotation is None:
        return False
    options = get_args(annotation)
    if options and all(isinstance(option, str) for option in options):  # Literal[...]
        return value in options
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation is str:
        return isinstance(value, str)
    return True


class _SpecValidator:
    """The checks a rule must pass to load at all (fact fields, value types, settings,
    knowledge-base ids); the deeper static analysis is :class:`engine.rulebook.lint.RuleChecker`."""

    def __init__(self, settings: dict[str, Any], kb: KnowledgeBase) -> None:
        self.settings = settings
        self.kb = kb
        self.problems: list[Problem] = []

    def problem(self, message: str, located: LocatedData, path: tuple[str | int, ...]) -> None:
        self.problems.append(
            Problem(message, file=located.file, line=located.line_for(path), field=format_loc(path))
        )

    def resolve(self, operand: Any, located: LocatedData, path: tuple[str | int, ...]) -> Any:
        if isinstance(operand, SettingRef):
            if operand.setting not in self.settings:
                self.problem(f"unknown setting {operand.setting!r}", located, (*path, "setting"))
                return None
            return self.settings[operand.setting]
        return operand

    def check_rule(self, rule: RuleSpec, located: LocatedData, path: tuple[str | int, ...]) -> None:
        aliases: dict[str, str]
        for index, source in enumerate(rule.sources):
            if not self.kb.is_source(source):
                self.problem(
                    f"unknown source {source!r} (not a knowledge-base fact or default)",
                    located,
                    (*path, "sources", index),
                )
        aliases = {pattern.name: str(pattern.fact) for pattern in rule.when}
        for p_index, pattern in enumerate(rule.when):
            p_path = (*path, "when", p_index)
            groups = [("where", pattern.where)] + [
                (f"any_of[{g}]", group) for g, group in enumerate(pattern.any_of)
            ]
            for group_name, conditions in groups:
                if group_name == "where":
                    group_path: tuple[str | int, ...] = (*p_path, "where")
                else:
                    group_path = (*p_path, "any_of", int(group_name[7:-1]))
                for field_name, condition in conditions.items():
                    self.check_condition(
                        pattern.fact,
                        field_name,
                        condition,
                        aliases,
                        located,
                        (*group_path, field_name),
                    )
        for c_index, conclusion in enumerate(rule.then):
            self.check_conclusion(
                conclusion.fact_type,
                conclusion.body,
                aliases,
                located,
                (*path, "then", c_index, conclusion.verb),
            )

    def check_condition(
        self,
        fact_type: str,
        field_name: str,
        condition: Any,
        aliases: dict[str, str],
        located: LocatedData,
        path: tuple[str | int, ...],
    ) -> None:
        annotation = _field_type(fact_type, field_name)
        if annotation is None:
            known = ", ".join(sorted(FACT_TYPES[fact_type].model_fields))
            self.problem(
                f"{fact_type} facts have no field {field_name!r} (fields: {known})", located, path
            )
            return
        operators = (
            condition.operators() if isinstance(condition, Comparison) else {"eq": condition}
        )
        for op, operand in operators.items():
            if op == "same_as":
                alias, _, other_field = operand.partition(".")
                if alias not in aliases:
                    self.problem(f"same_as names unknown pattern {alias!r}", located, (*path, op))
                elif _field_type(aliases[alias], other_field) is None:
                    self.problem(
                        f"{aliases[alias]} facts have no field {other_field!r}",
                        located,
                        (*path, op),
                    )
                continue
            values = operand if isinstance(operand, list) else [operand]
            for position, item in enumerate(values):
                item_path = (*path, op, position) if isinstance(operand, list) else (*path, op)
                resolved = self.resolve(item, located, item_path)
                if resolved is None:
                    continue
                if op in ORDER_OPERATORS:
                    numeric = annotation in (int, float)
                    if (
                        not numeric
                        or isinstance(resolved, bool)
                        or not isinstance(resolved, int | float)
                    ):
                        self.problem(
                            f"'{op}' needs a number field and a number; {field_name} is "
                            f"{getattr(annotation, '__name__', annotation)}, value {resolved!r}",
                            located,
                            item_path,
                        )
                elif not _value_fits(annotation, resolved):
                    self.problem(
                        f"{resolved!r} can never match {fact_type}.{field_name} "
                        f"({getattr(annotation, '__name__', annotation)})",
                        located,
                        item_path,
                    )

    def check_conclusion(
        self,
        fact_type: str,
        body: dict[str, Any],
        aliases: dict[str, str],
        located: LocatedData,
        path: tuple[str | int, ...],
    ) -> None:
        model: type[BaseModel] = FACT_TYPES[fact_type]
        sample: dict[str, Any] = dict(CONCLUSION_DEFAULTS[fact_type])
        for field_name, value in body.items():
            f_path = (*path, field_name)
            if field_name in RESERVED_KEYS or field_name not in model.model_fields:
                known = ", ".join(model.model_fields)
                self.problem(
                    f"{fact_type} conclusions have no field {field_name!r} (fields: {known})",
                    located,
                    f_path,
                )
                continue
            if isinstance(value, FieldRef):
                alias, _, other_field = value.ref.partition(".")
                if alias not in aliases:
                    self.problem(f"ref names unknown pattern {alias!r}", located, f_path)
                    continue
                other = _field_type(aliases[alias], other_field)
                if other is None:
                    self.problem(
                        f"{aliases[alias]} facts have no field {other_field!r}", located, f_path
                    )
                    continue
                sample[field_name] = _placeholder(model.model_fields[field_name].annotation)
            else:
                resolved = self.resolve(value, located, f_path)
                sample[field_name] = coerce_conclusion_value(fact_type, field_name, resolved)
        if any(
            problem.file == located.file
            and problem.field
            and problem.field.startswith(format_loc(path))
            for problem in self.problems
        ):
            return
        try:
            model.model_validate(sample)
        except ValidationError as error:
            self.problems.extend(problems_from_validation(error, located.file, located, path))


def _placeholder(annotation: Any) -> Any:
    options = get_args(annotation)
    if options and all(isinstance(option, str) for option in options):
        return options[0]
    return {int: 0, float: 0.0, bool: False, str: ""}.get(annotation, "")


def _engine_setting_problems(located: LocatedData, settings: dict[str, Any]) -> list[Problem]:
    return [
        Problem(
            message,
            file=located.file,
            line=located.line_for(("settings", key, "value") if key in settings else ("settings",)),
            field=key,
        )
        for key, message in engine_setting_problems(settings).items()
    ]


def load_engine_settings(root: Path | None = None) -> EngineSettings:
    """The engine's settings from a rule directory, checked as :func:`load_ruleset` checks them
    (the file's schema, the engine's settings), without reading the rules or the knowledge
    base: for a command that only needs a number, such as the review queue's calendar check.
    InputError names the file, line and setting."""
    root = (root or rules_dir()).resolve()
    path = root / "settings.yaml"
    shown = display_path(root, path)
    if not path.is_file():
        raise InputError([Problem("required file is missing", file=shown)])
    _, located = read_yaml_file(path, shown)
    settings = {
        key: setting.value
        for key, setting in validate_located(SettingsFile, located).settings.items()
    }
    if problems := _engine_setting_problems(located, settings):
        raise InputError(problems)
    return EngineSettings.from_settings(settings)


def load_ruleset(
    root: Path | None = None, kb: KnowledgeBase | None = None, *, tests: bool = True
) -> RuleSet:
    """Load and check a rule directory; raise InputError listing every problem.

    ``tests=False`` (evaluation and the cards) leaves the rule cases, scenarios and the base
    request unparsed: only the rule tools read them, and parsing them was half the load. Their
    bytes still go into the version's hash, so the version is the same either way.
    """
    root = (root or rules_dir()).resolve()
    kb = kb or default_knowledge_base()
    problems: list[Problem] = []
    hasher = hashlib.sha256()
    if not root.is_dir():
        raise InputError([Problem("rule directory not found", file=str(root))])

    def load(path: Path) -> LocatedData | None:
        try:
            raw, located = read_yaml_file(path, display_path(root, path))
            hasher.update(path.relative_to(root).as_posix().encode())
            hasher.update(raw)
            return located
        except InputError as error:
            problems.extend(error.problems)
            return None

    settings_path = root / "settings.yaml"
    settings: dict[str, Any] = {}
    setting_sources: dict[str, list[str]] = {}
    setting_units: dict[str, str] = {}
    version = "unversioned"
    if not settings_path.is_file():
        problems.append(Problem("required file is missing", file=display_path(root, settings_path)))
    elif (located := load(settings_path)) is not None:
        try:
            settings_file = validate_located(SettingsFile, located)
            version = settings_file.version
            for key, setting in settings_file.settings.items():
                settings[key] = setting.value
                setting_sources[key] = setting.sources
                if setting.unit:
                    setting_units[key] = setting.unit
                for index, source in enumerate(setting.sources):
                    if not kb.is_source(source):
                        problems.append(
                            Problem(
                                f"unknown source {source!r}",
                                file=located.file,
                                line=located.line_for(("settings", key, "sources", index)),
                                field=f"settings.{key}.sources[{index}]",
                            )
                        )
            problems.extend(_engine_setting_problems(located, settings))
        except InputError as error:
            problems.extend(error.problems)

    validator = _SpecValidator(settings, kb)
    rules: list[LoadedRule] = []
    first_seen: dict[str, str] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name in NOT_RULE_FILES:
            continue
        located = load(path)
        if located is None:
            continue
        try:
            rule_file = validate_located(RuleFile, located)
        except InputError as error:
            problems.extend(error.problems)
            continue
        for index, rule in enumerate(rule_file.rules):
            line = located.line_for(("rules", index))
            where = f"{located.file}:{line}"
            if rule.id in first_seen:
                problems.append(
                    Problem(
                        f"duplicate rule id {rule.id} (first at {first_seen[rule.id]})",
                        file=located.file,
                        line=located.line_for(("rules", index, "id")),
                        field=f"rules[{index}].id",
                    )
                )
                continue
            first_seen[rule.id] = where
            validator.check_rule(rule, located, ("rules", index))
            rules.append(LoadedRule(rule, located.file, line))
    problems.extend(validator.problems)

    names: dict[str, str] = {}
    for loaded in rules:
        if loaded.spec.name in names:
            problems.append(
                Problem(
                    f"duplicate rule name {loaded.spec.name!r} (also {names[loaded.spec.name]})",
                    file=loaded.file,
                    line=loaded.line,
                )
            )
        names[loaded.spec.name] = loaded.spec.id

    ordered = sorted(rules, key=lambda item: (item.spec.priority, item.spec.id))
    rules = [
        LoadedRule(item.spec, item.file, item.line, rank=rank)
        for rank, item in enumerate(ordered, start=1)
    ]

    base_path = root / "fixtures" / "base_request.yaml"
    if not tests:
        for path in _test_files(root, base_path):
            hasher.update(path.relative_to(root).as_posix().encode())
            hasher.update(read_limited(path, display_path(root, path)))
    cases = _load_cases(root, load, problems, {loaded.spec.id for loaded in rules}) if tests else []
    scenarios = _load_scenarios(root, load, problems) if tests else []
    base_request: dict[str, Any] = {}
    if tests and base_path.is_file() and (located := load(base_path)) is not None:
        if isinstance(located.data, dict):
            base_request = located.data
        else:
            problems.append(Problem("must be a mapping (a request)", file=located.file, line=1))

    if problems:
        raise InputError(problems)
    digest = hasher.hexdigest()[:12]
    return RuleSet(
        root=root,
        version=f"{version}+{digest}.kb{kb.digest[:8]}",
        settings=settings,
        setting_sources=setting_sources,
        engine_settings=EngineSettings.from_settings(settings),
        setting_units=setting_units,
        rules=rules,
        cases=cases,
        scenarios=scenarios,
        base_request=base_request,
        digest=digest,
    )


def _test_files(root: Path, base_path: Path) -> list[Path]:
    """The files of the rule cases, scenarios and base request, in the order
    :func:`load_ruleset` hashes them when it parses them."""
    files = [*sorted((root / "cases").glob("*.yaml")), *sorted((root / "scenarios").glob("*.yaml"))]
    return [*files, base_path] if base_path.is_file() else files


def _load_cases(
    root: Path,
    load: Any,
    problems: list[Problem],
    rule_ids: set[str],
) -> list[LoadedCase]:
    cases: list[LoadedCase] = []
    for path in sorted((root / "cases").glob("*.yaml")):
        located = load(path)
        if located is None:
            continue
        try:
            parsed = _CASES_ADAPTER.validate_python(located.data)
        except ValidationError as error:
            problems.extend(problems_from_validation(error, located.file, located))
            continue
        for rule_id, named in parsed.items():
            if rule_id not in rule_ids:
                problems.append(
                    Problem(
                        f"cases for unknown rule {rule_id!r}",
                        file=located.file,
                        line=located.line_for((rule_id,)),
                    )
                )
                continue
            for name, case in named.items():
                cases.append(
                    LoadedCase(rule_id, name, case, located.file, located.line_for((rule_id, name)))
                )
    return cases


def _load_scenarios(root: Path, load: Any, problems: list[Problem]) -> list[LoadedScenario]:
    scenarios: list[LoadedScenario] = []
    for path in sorted((root / "scenarios").glob("*.yaml")):
        located = load(path)
        if located is None:
            continue
        try:
            scenario = validate_located(Scenario, located)
        except InputError as error:
            problems.extend(error.problems)
            continue
        scenarios.append(LoadedScenario(path.stem, scenario, located.file))
    return scenarios
