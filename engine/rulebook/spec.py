"""The rule language: what a rule file, a settings file and a rule-case file may contain.

A rule is data, never code. It names the facts it needs (``when``: one pattern per fact, each
with field conditions) and the conclusions it asserts (``then``). Numbers that coaches tune live
in ``rules/settings.yaml`` and are referenced as ``{setting: hiit.readiness_min_pct}``;
conclusion fields can copy a matched value with ``{ref: ladder.next_stage}``.

Example::

    - id: RS101
      name: readiness-below-gate
      summary: HIIT needs today's recovery at or above the readiness gate.
      why: An athlete who is not recovered gets little from intervals but fatigue.
      sources: [d2_hiit_recovery_checks, default_daily_readiness_gate]
      catalogue: [H3]
      priority: 10
      when:
        - fact: checkin
          where:
            recovery_pct: {lt: {setting: hiit.readiness_min_pct}}
      then:
        - derive: {name: readiness, value: low}

``runstrong schema rule`` prints the JSON Schema of this format for editors.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.rulebook.operators import CONDITION_OPERATORS, given_operators

RuleId = Annotated[str, Field(pattern=r"^RS[0-9]{3}$")]
SettingKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]
Alias = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
FieldName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Scalar = str | int | float | bool
# ``{alias.field}`` in a rule's athlete-facing sentence.
TELL_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\}")


class SpecModel(BaseModel):
    # defer_build: built when a rule file is first validated; a rule set from the per-user
    # cache is unpickled without one, so commands start without building any.
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, defer_build=True)


class SettingRef(SpecModel):
    """A tunable number from ``rules/settings.yaml``."""

    setting: SettingKey


class FieldRef(SpecModel):
    """A value of a fact this rule matched: ``alias.field``."""

    ref: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]


Operand = Scalar | SettingRef


class Comparison(SpecModel):
    """Conditions on one field; several operators on one field must all hold.

    The operators are the base vocabulary of :mod:`engine.rulebook.operators` plus ``same_as``.
    """

    eq: Operand | None = None
    ne: Operand | None = None
    lt: Operand | None = None
    lte: Operand | None = None
    gt: Operand | None = None
    gte: Operand | None = None
    in_: list[Operand] | None = Field(default=None, alias="in", min_length=1)
    not_in: list[Operand] | None = Field(default=None, min_length=1)
    # Equal to a field of another fact this rule matched (a join): ``{same_as: ladder.ladder}``.
    same_as: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")] | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Comparison:
        if not self.operators():
            raise ValueError("a comparison needs at least one operator (eq, lt, in, ...)")
        return self

    def operators(self) -> dict[str, Any]:
        return given_operators(self, CONDITION_OPERATORS)


# A bare scalar is shorthand for ``{eq: scalar}``.
Condition = Comparison | Scalar
Conditions = dict[FieldName, Condition]


class FactPattern(SpecModel):
    """One fact the rule needs. Two patterns mean two different facts (a join)."""

    fact: Literal[
        "athlete",
        "checkin",
        "pain",
        "history",
        "program",
        "ladder",
        "exercise",
        "derived",
        "constraint",
        "proposal",
        "prescription",
        "progression",
        "include",
        "warning",
    ]
    alias: Alias | None = Field(default=None, alias="as")
    where: Conditions = Field(default_factory=dict)
    # At least one of these groups must hold as well (each group: all its conditions).
    any_of: list[Conditions] = Field(default_factory=list)

    @property
    def name(self) -> str:
        return self.alias or self.fact


ConclusionValue = Scalar | SettingRef | FieldRef
ConclusionBody = dict[FieldName, ConclusionValue]

CONCLUSION_KEYS: dict[str, str] = {
    "derive": "derived",
    "constrain": "constraint",
    "propose": "proposal",
    "prescribe": "prescription",
    "progress": "progression",
    "include": "include",
    "warn": "warning",
}


class ConclusionSpec(SpecModel):
    """Exactly one of the keys below."""

    derive: ConclusionBody | None = None
    constrain: ConclusionBody | None = None
    propose: ConclusionBody | None = None
    prescribe: ConclusionBody | None = None
    progress: ConclusionBody | None = None
    include: ConclusionBody | None = None
    warn: ConclusionBody | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ConclusionSpec:
        present = [key for key in CONCLUSION_KEYS if getattr(self, key) is not None]
        if len(present) != 1:
            raise ValueError(
                f"a conclusion has exactly one of {', '.join(CONCLUSION_KEYS)}; found "
                f"{present or 'none'}"
            )
        return self

    @property
    def verb(self) -> str:
        return next(key for key in CONCLUSION_KEYS if getattr(self, key) is not None)

    @property
    def fact_type(self) -> str:
        return CONCLUSION_KEYS[self.verb]

    @property
    def body(self) -> ConclusionBody:
        body = getattr(self, self.verb)
        assert body is not None
        return dict(body)


class RuleSpec(SpecModel):
    id: RuleId
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    summary: Annotated[str, Field(min_length=10, max_length=160)]
    why: Annotated[str, Field(min_length=10)]
    sources: Annotated[list[str], Field(min_length=1)]
    # Catalogue rules this rule carries (H1, S1, D.2-3 ...).
    catalogue: list[Annotated[str, Field(pattern=r"^([HSFLPIWO][0-9]+|D\.[1-3]-[0-9]+)$")]] = Field(
        default_factory=list
    )
    # Lower fires first, as in durable_rules; ties are broken by rule id, so the firing order
    # of one request is always the same.
    priority: Annotated[int, Field(ge=0, le=999)] = 500
    when: Annotated[list[FactPattern], Field(min_length=1)]
    then: Annotated[list[ConclusionSpec], Field(min_length=1)]
    # One short sentence for the athlete, on a rule that changes their planned session (a
    # constraint, a swap, a proposal in place of the plan): the card shows it as the reason.
    # ``{alias.field}`` placeholders take a value the rule matched, like a warning's message.
    tell: Annotated[str, Field(min_length=10, max_length=120)] | None = None

    def setting_keys(self) -> list[str]:
        """The settings this rule reads, in the order it names them."""
        keys: list[str] = []

        def collect(node: Any) -> None:
            if isinstance(node, SettingRef):
                keys.append(node.setting)
            elif isinstance(node, Comparison):
                collect(list(node.operators().values()))
            elif isinstance(node, dict):
                for value in node.values():
                    collect(value)
            elif isinstance(node, list):
                for value in node:
                    collect(value)

        for pattern in self.when:
            collect(pattern.where)
            collect(pattern.any_of)
        for conclusion in self.then:
            collect(conclusion.body)
        return list(dict.fromkeys(keys))

    @model_validator(mode="after")
    def _tell_placeholders_read(self) -> RuleSpec:
        """A placeholder names a field the rule's conditions read: the trace keeps exactly
        those values, so the card can fill it from a stored recommendation."""
        if self.tell is None:
            return self
        read = {
            pattern.name: {name for group in [pattern.where, *pattern.any_of] for name in group}
            for pattern in self.when
        }
        for alias, name in TELL_PLACEHOLDER.findall(self.tell):
            if name not in read.get(alias, set()):
                raise ValueError(
                    f"tell: {{{alias}.{name}}} is not a field this rule's conditions read "
                    f"(read: {', '.join(sorted(f'{a}.{f}' for a in read for f in read[a]))})"
                )
        return self

    @model_validator(mode="after")
    def _unique_aliases(self) -> RuleSpec:
        names = [pattern.name for pattern in self.when]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(
                f"patterns {duplicates} match the same fact type without distinct 'as' names"
            )
        return self


class RuleFile(SpecModel):
    """``rules/<concern>.yaml``."""

    description: str | None = None
    rules: Annotated[list[RuleSpec], Field(min_length=1)]


# The range a number in each unit can take: a cap of -2 HIIT sessions, a 120% load or a
# soreness of 11 is a typing error, refused with the range when the rules are loaded.
UNIT_RANGES: dict[str, tuple[float, float]] = {
    "sessions": (0, 100),
    "days": (0, 366),
    "hours": (0, 24 * 366),
    "weeks": (0, 104),
    "minutes": (0, 24 * 60),
    "seconds": (0, 24 * 3600),
    "reps": (0, 1000),
    "intervals": (1, 100),
    "laps": (1, 1000),
    "percent": (0, 100),
    "percent of 1RM": (0, 100),
    "score 0-10": (0, 10),
    "fraction": (0, 1),
    "ratio": (0, 100),
    "hour of day": (0, 23),
    "kg": (0, 600),
    "km": (0, 1000),
    "MB": (1, 10_000),
}


class Setting(SpecModel):
    # A list only for settings the engine reads itself (a rule compares with scalars).
    value: Scalar | list[str]
    unit: str | None = None
    description: Annotated[str, Field(min_length=5)]
    # Knowledge-base fact or default ids; a default id marks the value as ours, not the texts'.
    sources: Annotated[list[str], Field(min_length=1)]

    @model_validator(mode="after")
    def _value_in_its_units_range(self) -> Setting:
        bounds = UNIT_RANGES.get(self.unit or "")
        value = self.value
        if (
            bounds is not None
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and not bounds[0] <= value <= bounds[1]
        ):
            low, high = (f"{bound:g}" for bound in bounds)
            raise ValueError(f"{value} {self.unit} is out of range: {low} to {high}")
        return self


class SettingsFile(SpecModel):
    """``rules/settings.yaml``."""

    version: Annotated[str, Field(min_length=1)]
    settings: dict[SettingKey, Setting]


class RuleCase(SpecModel):
    """A named case for one rule: a request (given as changes to the base request) and whether
    the rule fires, plus optional expectations on the recommendation."""

    description: str | None = None
    given: dict[str, Any] = Field(default_factory=dict)
    fires: bool
    expect: dict[str, Any] = Field(default_factory=dict)


class Scenario(SpecModel):
    """A whole situation from the catalogue: a request and properties the recommendation has."""

    description: Annotated[str, Field(min_length=10)]
    catalogue: list[str] = Field(default_factory=list)
    given: dict[str, Any] = Field(default_factory=dict)
    fired: list[RuleId] = Field(default_factory=list)
    not_fired: list[RuleId] = Field(default_factory=list)
    expect: dict[str, Any] = Field(default_factory=dict)
