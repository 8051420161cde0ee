"""Pydantic models of runstrong's public contract.

Field names here are fixed: fixtures, stored data and the coach's files depend on them. Every
model is strict (no silent coercion of "5" into 5 or "yes" into True) and forbids unknown fields,
so a typo in a check-in file is an error that names the field instead of a value quietly ignored.

Dates are the one deliberate exception to strictness: JSON has no date type, so ISO strings are
accepted for date and datetime fields. Dates must lie in the range of ``engine.contract.limits``,
and no number may be infinite or NaN (a NaN load or an infinite 1RM would be prescribed).

References to the knowledge base (equipment, exercises, ladders, programs) are checked when a
validation context carries the loaded knowledge base:
``EvaluationRequest.model_validate(data, context={"kb": kb})``, as
:func:`engine.loading.inputs.parse_documents` does.
"""

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from engine.contract.limits import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_IMPLEMENT_KG,
    MAX_LOAD_KG,
    MAX_PROGRAM_WEEK,
    MAX_REPS,
    MAX_SETS,
    MINUTES_PER_DAY,
)

# --- shared vocabulary -------------------------------------------------------------------------

SessionKind = Literal[
    "strength",
    "hiit",
    "mobility",
    "easy_run",
    "quality_run",
    "long_run",
    "cross_training",
    "rest",
]
SESSION_KINDS: tuple[str, ...] = SessionKind.__args__  # type: ignore[attr-defined]

Level = Literal["beginner", "intermediate", "advanced"]
Intensity = Literal["rest", "low", "moderate", "high"]
INTENSITY_ORDER: dict[str, int] = {"rest": 0, "low": 1, "moderate": 2, "high": 3}

ProgressionAction = Literal["advance", "hold", "regress"]

PainArea = Literal[
    "low_back",
    "upper_back",
    "neck",
    "shoulder",
    "elbow",
    "wrist",
    "hip",
    "groin",
    "glute",
    "hamstring",
    "quad",
    "knee",
    "shin",
    "calf",
    "achilles",
    "ankle",
    "foot",
    "other",
]

# Stable identifiers of knowledge-base entries: lower snake_case.
KbId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
# Athlete ids are chosen by people: allow a little more, but nothing that breaks a file name.
AthleteId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]


def _date_in_range(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(
            f"date {day} is outside the supported range {EARLIEST_DATE} to {LATEST_DATE}"
        )
    return value


# Dates: accept ISO strings from JSON (see module docstring), within the supported range.
Date = Annotated[dt.date, Field(strict=False), AfterValidator(_date_in_range)]
DateTime = Annotated[dt.datetime, Field(strict=False), AfterValidator(_date_in_range)]
# A date alone ("2026-11-24") stays a date; one with a time of day becomes a datetime.
DateOrDateTime = Annotated[Date | DateTime, Field(union_mode="left_to_right")]


def _ordered_range(value: list[Any]) -> list[Any]:
    low, high = value
    if low > high:
        raise ValueError(f"range [{low}, {high}] has its minimum above its maximum")
    return value


# A [min, max] pair, e.g. "8-12 reps" is [8, 12]. Lists, because YAML and JSON have no tuples.
IntRange = Annotated[list[int], Field(min_length=2, max_length=2), AfterValidator(_ordered_range)]
FloatRange = Annotated[
    list[float], Field(min_length=2, max_length=2), AfterValidator(_ordered_range)
]
# A dose value is either exact or a [min, max] range ("8-12 reps", "30-90 s rest").
IntOrRange = int | IntRange
FloatOrRange = float | FloatRange

NonNegInt = Annotated[int, Field(ge=0)]
PosInt = Annotated[int, Field(ge=1)]
Score10 = Annotated[int, Field(ge=0, le=10)]
PosFloat = Annotated[float, Field(gt=0)]
# Weights a person can lift or own; larger is a typo or hostile input (limits.py).
LoadKg = Annotated[float, Field(gt=0, le=MAX_LOAD_KG)]
ImplementKg = Annotated[float, Field(gt=0, le=MAX_IMPLEMENT_KG)]
Sets = Annotated[int, Field(ge=1, le=MAX_SETS)]
Reps = Annotated[int, Field(ge=0, le=MAX_REPS)]


class Contract(BaseModel):
    """Base for every public model: strict types, unknown fields refused, finite numbers only."""

    # defer_build: a model's validator is built when it first validates, not at import, so a
    # command pays only for the models it uses (``today`` validates one Recommendation; the
    # models a cached knowledge base and rule set unpickle into need no validator at all).
    model_config = ConfigDict(
        strict=True, extra="forbid", validate_default=True, allow_inf_nan=False, defer_build=True
    )


def _kb(info: ValidationInfo) -> Any:
    """The knowledge base from the validation context, when the caller supplied one."""
    context = info.context
    if isinstance(context, dict):
        return context.get("kb")
    return None


# --- athlete -----------------------------------------------------------------------------------


class ProgramEnrollment(Contract):
    id: KbId
    week: Annotated[int, Field(ge=1, le=MAX_PROGRAM_WEEK)] = 1


class LadderPosition(Contract):
    stage: KbId
    since: Date
    assistance: str | None = None


class AthleteProfile(Contract):
    id: AthleteId
    level: Level
    equipment: list[KbId] = Field(default_factory=list)
    kettlebells_kg: list[ImplementKg] | None = None
    dumbbells_kg: list[ImplementKg] | None = None
    # Barbells the athlete can use (kg); none given means a standard bar.
    barbells_kg: list[ImplementKg] | None = None
    one_rep_max_kg: dict[KbId, LoadKg] | None = None
    # When each 1RM was entered: an entered 1RM wins over one estimated from logged sets while
    # it is the newer (an undated one counts as older than any logged set).
    one_rep_max_on: dict[KbId, Date] | None = None
    programs: list[ProgramEnrollment] = Field(default_factory=list)
    ladders: dict[KbId, LadderPosition] = Field(default_factory=dict)
    # Smallest step a barbell can be loaded in (two of the lightest plates).
    plate_increment_kg: ImplementKg = 2.5
    # With no coach, a ladder advance takes effect without review.
    has_coach: bool = False

    @field_validator("equipment")
    @classmethod
    def _known_equipment(cls, value: list[str], info: ValidationInfo) -> list[str]:
        kb = _kb(info)
        if kb is not None:
            unknown = [item for item in value if item not in kb.equipment]
            if unknown:
                raise ValueError(f"unknown equipment {unknown}; known: {sorted(kb.equipment)}")
        return value

    @field_validator("one_rep_max_kg")
    @classmethod
    def _known_exercises(
        cls, value: dict[str, float] | None, info: ValidationInfo
    ) -> dict[str, float] | None:
        kb = _kb(info)
        if kb is not None and value:
            unknown = [item for item in value if item not in kb.exercises]
            if unknown:
                raise ValueError(f"unknown exercise id(s) {unknown}")
        return value

    @field_validator("programs")
    @classmethod
    def _known_programs(
        cls, value: list[ProgramEnrollment], info: ValidationInfo
    ) -> list[ProgramEnrollment]:
        kb = _kb(info)
        seen: set[str] = set()
        for index, enrollment in enumerate(value):
            if enrollment.id in seen:
                raise ValueError(f"[{index}].id: program {enrollment.id!r} is listed twice")
            seen.add(enrollment.id)
            if kb is not None and enrollment.id not in kb.programs:
                raise ValueError(
                    f"[{index}].id: unknown program {enrollment.id!r}; known: {sorted(kb.programs)}"
                )
            # A program whose variants are numbered by week ends at its last numbered week
            # (the week-3 session: weeks 1-3); a later week does not exist.
            weeks = [
                variant.week
                for variant in (kb.programs[enrollment.id].variants if kb is not None else [])
                if variant.week is not None
            ]
            if weeks and enrollment.week > max(weeks):
                raise ValueError(
                    f"[{index}].week: {enrollment.id!r} has no week {enrollment.week}; "
                    f"its weeks run 1 to {max(weeks)}"
                )
        return value

    @field_validator("ladders")
    @classmethod
    def _known_ladder_stages(
        cls, value: dict[str, LadderPosition], info: ValidationInfo
    ) -> dict[str, LadderPosition]:
        kb = _kb(info)
        if kb is None:
            return value
        for ladder_id, position in value.items():
            ladder = kb.ladders.get(ladder_id)
            if ladder is None:
                raise ValueError(f"{ladder_id}: unknown ladder; known: {sorted(kb.ladders)}")
            stages = ladder.stage_exercises()
            if position.stage not in stages:
                raise ValueError(
                    f"{ladder_id}.stage: {position.stage!r} is not a stage of ladder "
                    f"{ladder_id!r} (stages: {', '.join(stages)})"
                )
        return value


# --- daily check-in ----------------------------------------------------------------------------


class PainReport(Contract):
    area: PainArea
    severity: Score10
    # An exercise id from the knowledge base, or free text ("running downhill").
    during: str | None = None


class CheckIn(Contract):
    date: Date
    recovery_pct: Annotated[int, Field(ge=0, le=100)]
    slept_well: bool
    soreness: Score10
    life_stress: Score10
    pain: list[PainReport] = Field(default_factory=list)
    planned: SessionKind | None = None
    note: str | None = None


# --- completed sessions ------------------------------------------------------------------------


class ExerciseLog(Contract):
    id: KbId
    sets: Sets
    reps: Reps
    load_kg: Annotated[float, Field(ge=0, le=MAX_LOAD_KG)] | None = None
    # Seconds of work per set when the work was timed (a HIIT interval, a hold); reps is then 0,
    # as no count was prescribed, and the log reads "8 x 30 s", never "8 x 0".
    duration_s: Annotated[int, Field(ge=1, le=MINUTES_PER_DAY * 60)] | None = None
    # None is unrated: the athlete did not say. Only rated work is evidence for a ladder gate
    # or a load step.
    posture_held: bool | None = None
    felt_easy: bool | None = None
    # The athlete's own answer to "ready to progress this exercise?"; a hard set is not a no.
    ready_to_progress: bool | None = None

    @field_validator("id")
    @classmethod
    def _known_exercise(cls, value: str, info: ValidationInfo) -> str:
        kb = _kb(info)
        if kb is not None and value not in kb.exercises:
            raise ValueError(f"unknown exercise {value!r}")
        return value


class ActivitySource(Contract):
    """Where an imported session came from (``runstrong import``)."""

    file: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    format: Literal["fit", "gpx", "tcx"]
    # The sport as the file names it, and as runstrong reads it (what duplicates match on).
    sport: str
    sport_detail: str = ""


class SessionLog(Contract):
    date: Date
    kind: SessionKind
    program: KbId | None = None
    # Program variant or mode, e.g. "conditioning" for the kettlebell pull workout.
    variant: str | None = None
    exercises: list[ExerciseLog] = Field(default_factory=list)
    duration_min: Annotated[int, Field(ge=0, le=1440)] | None = None
    # HIIT recovery checks (catalogue H3-H5): asked after a HIIT session.
    hr_back_to_normal: bool | None = None
    slept_well_after: bool | None = None
    recovered_between_intervals: bool | None = None
    # Recorded activities (filled by runstrong import; a hand-made log may give them too).
    # duration_min above is the moving time; elapsed_min includes the pauses.
    start_time: DateTime | None = None
    elapsed_min: Annotated[float, Field(ge=0, le=1440)] | None = None
    distance_km: Annotated[float, Field(ge=0, le=1000)] | None = None
    avg_hr_bpm: Annotated[int, Field(ge=20, le=250)] | None = None
    avg_pace_min_per_km: Annotated[float, Field(gt=0)] | None = None
    source: ActivitySource | None = None

    @field_validator("program")
    @classmethod
    def _known_program(cls, value: str | None, info: ValidationInfo) -> str | None:
        kb = _kb(info)
        if kb is not None and value is not None and value not in kb.programs:
            raise ValueError(f"unknown program {value!r}")
        return value


class PlannedRun(Contract):
    date: DateOrDateTime
    kind: SessionKind


class EvaluationRequest(Contract):
    athlete: AthleteProfile
    checkin: CheckIn
    history: list[SessionLog] = Field(default_factory=list)
    upcoming: list[PlannedRun] = Field(default_factory=list)

    @model_validator(mode="after")
    def _history_not_after_checkin(self) -> Self:
        for index, session in enumerate(self.history):
            if session.date > self.checkin.date:
                raise ValueError(
                    f"history[{index}].date {session.date} is after the check-in date "
                    f"{self.checkin.date}"
                )
        return self


# --- recommendation ----------------------------------------------------------------------------


class PrescribedExercise(Contract):
    id: KbId
    name: str
    sets: Sets | IntRange | None = None
    reps: IntOrRange | None = None
    per_side: bool = False
    duration_s: IntOrRange | None = None
    distance_yd: PosInt | None = None
    load_kg: Annotated[float, Field(ge=0, le=MAX_LOAD_KG)] | None = None
    load_pct_1rm: FloatOrRange | None = None
    # Where the kilograms came from, in the athlete's words ("from 3 x 10 @ 16 kg on 12-03",
    # "70% of the 1RM you entered on 11-20"); None without a load.
    load_basis: str | None = None
    # With no load to give: how to choose one by effort ("a weight you could lift 2-3 more
    # times"). Exercises without a practical 1RM (carries, knee drives) never show a %.
    effort_target: str | None = None
    tempo: str | None = None
    pause_s: IntOrRange | None = None
    notes: list[str] = Field(default_factory=list)


class SessionBlock(Contract):
    name: str
    role: Literal["warm_up", "main", "accessory", "cool_down", "run", "conditioning"] = "main"
    rounds: PosInt = 1
    rest_between_exercises_s: IntOrRange | None = None
    rest_between_rounds_s: IntOrRange | None = None
    exercises: list[PrescribedExercise] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Session(Contract):
    kind: SessionKind
    intensity: Intensity
    program: KbId | None = None
    variant: str | None = None
    title: str = ""
    notes: list[str] = Field(default_factory=list)
    blocks: list[SessionBlock] = Field(default_factory=list)


class HiitDecision(Contract):
    allowed: bool
    # Intense sessions in the last 7 days: HIIT, conditioning circuits and, when the settings
    # count them, quality runs (quality_runs_counted of them).
    sessions_last_7_days: NonNegInt
    quality_runs_counted: NonNegInt = 0
    # Whether HIIT was on the table today (planned or proposed): only then does the card say
    # whether it is allowed.
    considered: bool = False
    work_s: PosInt | None = None
    rest_s: PosInt | None = None


class Progression(Contract):
    model_config = ConfigDict(populate_by_name=True)

    ladder: KbId
    action: ProgressionAction
    from_: KbId = Field(alias="from")
    to: KbId
    reason: str
    needs_approval: bool = True


class RationaleEntry(Contract):
    rule: str
    summary: str
    sources: list[str]
    # The fact fields the rule's conditions read, with the values they had.
    matched: dict[str, dict[str, Any]] = Field(default_factory=dict)
    concluded: list[str] = Field(default_factory=list)
    # What the rule added that today's session does not hold, and why ("pistol_squat on a
    # mobility day"): the trace never claims work the card does not show.
    not_on_card: list[str] = Field(default_factory=list)


class Warning_(Contract):
    code: str
    message: str
    rule: str | None = None


class Alternative(Contract):
    """A proposal the planner considered and did not pick, and why."""

    kind: SessionKind
    program: KbId | None = None
    priority: int
    proposed_by: str
    outcome: Literal["chosen", "blocked", "outranked"]
    reason: str


class Constraint(Contract):
    kind: str
    value: Any = None
    # What the constraint is limited to: "loaded" keeps an avoid_pattern or
    # no_lower_body_strength to exercises with an external load.
    about: str | None = None
    rule: str


class LoadChange(Contract):
    """A working load a progression rule decided from the athlete's logged sets: up one
    increment they own, one step back, or held. Shown to the coach for approval like a ladder
    move."""

    exercise: KbId
    name: str
    action: Literal["up", "down", "hold"]
    from_kg: Annotated[float, Field(ge=0, le=MAX_LOAD_KG)]
    to_kg: Annotated[float, Field(ge=0, le=MAX_LOAD_KG)]
    # One short reason in the athlete's words ("every set reached 12 reps, posture held").
    reason: str
    rule: str
    # Set when a cap from the texts (a % of the 1RM) kept the load from going up.
    capped_at_pct: float | None = None
    needs_approval: bool = False


class Recommendation(Contract):
    athlete: AthleteId
    date: Date
    session: Session
    hiit: HiitDecision
    progressions: list[Progression] = Field(default_factory=list)
    load_changes: list[LoadChange] = Field(default_factory=list)
    rationale: list[RationaleEntry] = Field(default_factory=list)
    warnings: list[Warning_] = Field(default_factory=list)
    rules_version: str
    constraints: list[Constraint] = Field(default_factory=list)
    alternatives: list[Alternative] = Field(default_factory=list)
    # The history features the rules saw (HIIT in the last 7 days, hours to the next quality
    # run, weeks on each ladder stage ...): what a coach checks first.
    features: dict[str, Any] = Field(default_factory=dict)


# The statuses a coach's queue shows (final ones have no coach; superseded ones were replaced).
REVIEW_STATUSES = ("pending", "approved", "amended", "rejected")


class StoredRecommendation(Recommendation):
    """A recommendation as stored and shown back (``today --format json``): the engine's output
    plus where it stands in the coach's review."""

    id: PosInt
    status: str = Field(description="pending, approved, amended, rejected or superseded")
    coach_note: str | None = None
    amended_by_coach: bool = False


PUBLIC_MODELS: dict[str, type[BaseModel]] = {
    "athlete": AthleteProfile,
    "checkin": CheckIn,
    "session-log": SessionLog,
    "request": EvaluationRequest,
    "recommendation": Recommendation,
    "stored-recommendation": StoredRecommendation,
}
