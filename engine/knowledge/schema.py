"""Schema of the knowledge-base files in ``knowledge_base/``.

Layout (one entity per file where entities are referenced by id, so that the file name and the
id can be cross-checked):

- ``sources/documents.yaml``: the five source documents (title, author, file name).
- ``sources/facts/*.yaml``: facts drawn from one document, each a paraphrased claim with the line
  range it comes from. Ids start with the document's code (``d2_hiit_cap_per_week``).
- ``defaults.yaml``: explicit engine defaults for what the articles leave open (catalogue D.3).
  A default is never passed off as the text's word: anything that rests on one cites its id.
- ``equipment.yaml``: the equipment vocabulary.
- ``exercises/<id>.yaml``, ``ladders/<id>.yaml``, ``programs/<id>.yaml``.

Every dose, stage and block carries ``sources``: ids of source facts and/or defaults.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.contract.models import FloatOrRange, IntOrRange, KbId, PosInt, SessionKind

SourceIds = Annotated[list[KbId], Field(min_length=1)]


class KbModel(BaseModel):
    # defer_build: built when a knowledge-base file is first validated; a knowledge base from
    # the per-user cache is unpickled without one, so commands start without building any.
    model_config = ConfigDict(strict=True, extra="forbid", defer_build=True)


# --- sources and defaults ----------------------------------------------------------------------


class LineRange(KbModel):
    start: PosInt
    end: PosInt

    @model_validator(mode="after")
    def _ordered(self) -> LineRange:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class SourceFact(KbModel):
    id: KbId
    # The claim in our own words; never the article's sentence.
    claim: str = Field(min_length=10)
    lines: LineRange
    # text: stated; inference: a reasonable reading of the text (catalogue tag [I]).
    evidence: Literal["text", "inference"] = "text"


class SourceDocument(KbModel):
    id: KbId
    code: str = Field(pattern=r"^D[0-9]$")
    title: str
    author: str | None = None
    publisher: str | None = None
    file: str = Field(pattern=r"^[0-9]{3}_[0-9a-f]{16}\.txt$")
    line_count: PosInt
    notes: str | None = None
    # Sub-documents (the D2 file runs seven blog posts together), by catalogue code.
    parts: dict[str, str] = Field(default_factory=dict)


class DocumentsFile(KbModel):
    documents: list[SourceDocument] = Field(min_length=1)


class FactsFile(KbModel):
    """``sources/facts/*.yaml``: facts drawn from one document."""

    document: KbId
    facts: list[SourceFact] = Field(min_length=1)


class DefaultValue(KbModel):
    """An engine default for a gap in the articles (catalogue D.3)."""

    id: KbId = Field(pattern=r"^default_[a-z0-9_]+$")
    gap: str = Field(min_length=10)
    value: str = Field(min_length=1)
    rationale: str = Field(min_length=10)
    # Source facts whose vagueness this default fills, if any.
    fills_gap_in: list[KbId] = Field(default_factory=list)


class DefaultsFile(KbModel):
    defaults: list[DefaultValue] = Field(min_length=1)


class Equipment(KbModel):
    id: KbId
    name: str
    description: str
    sources: list[KbId] = Field(default_factory=list)


class EquipmentFile(KbModel):
    equipment: list[Equipment] = Field(min_length=1)


# --- doses -------------------------------------------------------------------------------------


class Frequency(KbModel):
    min_per_week: PosInt | None = None
    max_per_week: PosInt | None = None
    sources: SourceIds


class Dose(KbModel):
    """How much of an exercise: sets x reps (or time or distance), tempo, pause, load."""

    sets: IntOrRange | None = None
    reps: IntOrRange | None = None
    per_side: bool = False
    duration_s: IntOrRange | None = None
    distance_yd: PosInt | None = None
    # Seconds for the lowering phase, e.g. 3 for "3 s descent".
    eccentric_s: IntOrRange | None = None
    pause_s: IntOrRange | None = None
    tempo: str | None = None
    load_pct_1rm: FloatOrRange | None = None
    load_note: str | None = None
    sources: SourceIds


Pattern = Literal[
    "squat",
    "hinge",
    "lunge",
    "single_leg",
    "knee_drive",
    "hip_flexion",
    "carry",
    "pull",
    "push",
    "jump",
    "ballistic",
    "anti_rotation",
    "anti_extension",
    "anti_lateral_flexion",
    "isometric",
    "calf",
    "mobility",
    "stretch",
    "gait",
]


# --- exercises ---------------------------------------------------------------------------------


class Exercise(KbModel):
    id: KbId
    name: str
    category: Literal[
        "strength", "plyometric", "ballistic", "mobility", "stretch", "core", "carry", "skill"
    ]
    patterns: list[Pattern] = Field(min_length=1)
    region: Literal["lower", "upper", "trunk", "full"]
    laterality: Literal["bilateral", "unilateral", "alternating", "offset"]
    # Any one of these sets of equipment is enough; an empty list means none is needed.
    equipment: list[list[KbId]] = Field(default_factory=list)
    # external: a weight in the hand or on the back, so % of 1RM and kg apply.
    load: Literal["external", "bodyweight", "band", "none"]
    # False for loaded work nobody tests a one-rep maximum on (carries, knee drives, swings):
    # no % of 1RM is shown, and loads come from effort and the weights logged.
    practical_one_rep_max: bool = True
    description: str = Field(min_length=20)
    cues: list[str] = Field(default_factory=list)
    dose: Dose | None = None
    regressions: list[KbId] = Field(default_factory=list)
    progressions: list[KbId] = Field(default_factory=list)
    alternatives: list[KbId] = Field(default_factory=list)
    # Exercises the text names but does not prescribe (e.g. lunges as knee-pain triggers).
    prescribed: bool = True
    sources: SourceIds

    def usable_with(self, owned: Iterable[str]) -> bool:
        """Whether this equipment is enough (any one of the listed sets; none needed if empty)."""
        have = set(owned)
        return not self.equipment or any(set(option) <= have for option in self.equipment)


# --- ladders -----------------------------------------------------------------------------------


class Assistance(KbModel):
    id: KbId
    description: str
    effect: Literal["easier", "harder"]
    sources: SourceIds


class StageWeeks(KbModel):
    min: PosInt | None = None
    max: PosInt | None = None
    # True where the text says "at least": the minimum binds even when the gate is met early.
    min_is_binding: bool = False
    open_ended: bool = False
    sources: SourceIds


class Gate(KbModel):
    """What must hold before moving on from a stage."""

    posture_held: bool = True
    felt_easy: bool = True
    description: str
    sources: SourceIds


class LadderStage(KbModel):
    number: PosInt
    exercise: KbId
    dose: Dose | None = None
    frequency: Frequency | None = None
    weeks: StageWeeks
    assistance: list[Assistance] = Field(default_factory=list)
    levels: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    sources: SourceIds


class Ladder(KbModel):
    id: KbId
    name: str
    description: str
    kind: Literal["ladder", "sequence"] = "ladder"
    gate: Gate | None = None
    goal: str | None = None
    stages: list[LadderStage] = Field(min_length=2)
    # Alternative top stages that sit beside the last numbered stage (e.g. the double swing).
    alternative_final: list[KbId] = Field(default_factory=list)
    sources: SourceIds

    def stage_exercises(self) -> list[str]:
        return [stage.exercise for stage in self.stages] + list(self.alternative_final)


# --- programs ----------------------------------------------------------------------------------


class ProgramExercise(KbModel):
    exercise: KbId
    dose: Dose
    notes: list[str] = Field(default_factory=list)


class Block(KbModel):
    name: str
    role: Literal["warm_up", "main", "accessory", "cool_down", "conditioning"] = "main"
    rounds: PosInt
    rest_between_exercises_s: IntOrRange | None = None
    rest_between_rounds_s: IntOrRange | None = None
    rest_note: str | None = None
    exercises: list[ProgramExercise] = Field(min_length=1)
    sources: SourceIds


class ProgramVariant(KbModel):
    id: KbId
    name: str
    week: PosInt | None = None
    # Who the variant is for, when the program splits by level (pause training).
    level: Literal["beginner", "experienced"] | None = None
    counts_as_hiit: bool = False
    intensity: Literal["low", "moderate", "high"] = "moderate"
    duration_min: PosInt | None = None
    notes: list[str] = Field(default_factory=list)
    blocks: list[Block] = Field(min_length=1)
    sources: SourceIds


class Program(KbModel):
    id: KbId
    name: str
    document: KbId
    description: str
    session_kind: SessionKind
    lower_body: bool
    goal: str
    frequency: Frequency | None = None
    default_variant: KbId
    variants: list[ProgramVariant] = Field(min_length=1)
    equipment: list[KbId] = Field(default_factory=list)
    sources: SourceIds

    @model_validator(mode="after")
    def _default_variant_exists(self) -> Program:
        ids = [variant.id for variant in self.variants]
        if self.default_variant not in ids:
            raise ValueError(f"default_variant {self.default_variant!r} is not one of {ids}")
        return self

    def variant(self, variant_id: str) -> ProgramVariant:
        for candidate in self.variants:
            if candidate.id == variant_id:
                return candidate
        raise KeyError(variant_id)
