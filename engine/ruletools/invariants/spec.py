"""The invariants file format (``rules/invariants.yaml``): what an invariant may say.

Conditions and expectations use the operators of :mod:`engine.rulebook.operators` (the
document operators: the base vocabulary plus ``contains``, ``not_contains`` and ``present``),
with ``{setting: key}`` operands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.rulebook.operators import EXPECTATION_OPERATORS, given_operators
from engine.rulebook.spec import Scalar, SettingRef

INVARIANTS_FILE = "invariants.yaml"
ROOTS = ("request", "features", "recommendation")
ITEM = "item"
ENGINE_ID = "ENGINE"


InvariantId = Annotated[str, Field(pattern=r"^INV[0-9]{2,3}$")]
InvariantName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
PathText = Annotated[str, Field(min_length=1, max_length=300)]
Operand = Scalar | SettingRef
ItemMatch = Scalar | dict[str, Scalar]


class InvModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class Expectation(InvModel):
    """Operators on one path; several operators must all hold."""

    eq: Operand | list[Scalar] | None = None
    ne: Operand | list[Scalar] | None = None
    lt: Operand | None = None
    lte: Operand | None = None
    gt: Operand | None = None
    gte: Operand | None = None
    in_: list[Operand] | None = Field(default=None, alias="in", min_length=1)
    not_in: list[Operand] | None = Field(default=None, min_length=1)
    # A list holding this value, or (for a list of mappings) an item with these fields;
    # a substring for text.
    contains: ItemMatch | None = None
    not_contains: ItemMatch | None = None
    present: bool | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Expectation:
        if not self.operators():
            raise ValueError("a test needs at least one operator (eq, lt, contains, ...)")
        return self

    def operators(self) -> dict[str, Any]:
        return given_operators(self, EXPECTATION_OPERATORS)


# A bare value is shorthand for ``{eq: value}``.
Condition = Expectation | Scalar
Conditions = dict[PathText, Condition]


class InvariantSpec(InvModel):
    id: InvariantId
    name: InvariantName
    summary: Annotated[str, Field(min_length=10)]
    why: Annotated[str, Field(min_length=10)]
    # Knowledge-base fact or default ids, as for rules. Required, and empty only for a
    # property of the engine's own contract that rests on no article (``why`` says so).
    sources: list[str]
    catalogue: list[str] = Field(default_factory=list)
    # Check once per item of this path (``[*]`` iterates a list or a mapping's values).
    for_each: PathText | None = None
    # Every condition must hold (and one group of any_of, if given) for the invariant to apply.
    when: Conditions = Field(default_factory=dict)
    any_of: list[Conditions] = Field(default_factory=list)
    # What must then hold: one mapping, or a list of them (to test one path twice).
    then: Conditions | list[Conditions]

    @model_validator(mode="after")
    def _has_expectations(self) -> InvariantSpec:
        if not any(self.expectations()):
            raise ValueError("'then' needs at least one expectation")
        return self

    def expectations(self) -> list[Conditions]:
        return list(self.then) if isinstance(self.then, list) else [self.then]


class InvariantFile(InvModel):
    """``rules/invariants.yaml``."""

    description: str | None = None
    invariants: Annotated[list[InvariantSpec], Field(min_length=1)]


@dataclass(frozen=True)
class LoadedInvariant:
    spec: InvariantSpec
    file: str
    line: int | None
