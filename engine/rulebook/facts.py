"""The typed facts that rules match, and the conclusions they assert.

Input facts are built from an :class:`~engine.contract.models.EvaluationRequest` by
:mod:`engine.core.features`. Conclusion facts are asserted by rules (``then``) and can be matched by
other rules (``when``): that is the forward chaining. Each fact type is a pydantic model, so the
rule validator can refuse a condition on a field that does not exist.

Fact values are never null: durable_rules cannot match a missing value reliably, so optional
yes/no answers are the strings ``"yes"``, ``"no"`` or ``"unknown"``, and "no upcoming quality
run" is a large number of hours (:data:`NO_UPCOMING_HOURS`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from engine.contract.models import SessionKind

TriState = Literal["yes", "no", "unknown"]
SessionKindFact = SessionKind
PlannedFact = Literal[SessionKind, "none"]
NO_UPCOMING_HOURS = 9999
# Keys every asserted fact carries besides its fields; not for rules to match.
RESERVED_KEYS = frozenset({"sid", "id", "type"})


class FactModel(BaseModel):
    # defer_build: built when a fact type first validates (in an evaluation), not at import:
    # commands that only show a stored card never pay for them.
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


# --- input facts ---------------------------------------------------------------------------------


class AthleteFact(FactModel):
    """Who the athlete is (one per evaluation)."""

    level: Literal["beginner", "intermediate", "advanced"]
    experienced: bool
    has_strength_program: bool
    program_count: int
    has_coach: bool
    has_one_rep_max: bool
    has_lower_body_program: bool
    # The lightest barbell the athlete has (kg), or a standard bar (load.standard_bar_kg).
    lightest_bar_kg: float


class CheckinFact(FactModel):
    """Today's check-in (one per evaluation)."""

    recovery_pct: int
    slept_well: bool
    soreness: int
    life_stress: int
    planned: PlannedFact  # a session kind, or "none"
    pain_count: int
    max_pain_severity: int
    # The worst pain today in an area a strength session would load (the settings'
    # planning.makeup_pain_areas); 0 without such pain. Weekly minimums are not made up then.
    makeup_pain_max: int = 0
    weekday: int  # 1 = Monday ... 7 = Sunday


class PainFact(FactModel):
    """One pain report from today's check-in."""

    area: str
    severity: int
    during: str  # exercise id or free text; "" when not said
    # The movement the pain came with: squat, hinge, lunge, jump, run, other, unknown.
    during_movement: str
    during_known_exercise: bool


class HistoryFact(FactModel):
    """Features of recent training, computed from the session logs and upcoming runs."""

    hiit_last_7_days: int
    strength_last_7_days: int
    lower_body_strength_last_7_days: int
    lower_body_strength_this_week: int
    rhythmic_cardio_last_7_days: int
    sessions_last_7_days: int
    days_since_last_session: int
    hours_since_last_lower_body: int
    # Since the last strength session that loaded the legs (the lower-body recovery gap).
    hours_since_last_loaded_lower_body: int
    hours_since_last_quality: int
    hours_to_next_quality: int
    next_quality_kind: str  # quality_run, long_run or "none"
    quality_today: bool
    days_since_last_hiit: int
    # Quality runs among hiit_last_7_days (counted when hiit.count_quality_runs is on).
    quality_runs_counted_last_7_days: int = 0
    # The last_hiit_* recovery signals come from the last intense session that recorded any
    # of them: a quality run or circuit logged since, with no flags, does not erase them.
    last_hiit_hr_back_to_normal: TriState
    last_hiit_slept_well_after: TriState
    last_hiit_recovered_between_intervals: TriState
    last_hiit_recovery_failed: bool
    hiit_recovery_failures_in_a_row: int
    consecutive_heavy_weeks: int
    heavy_this_week: bool
    # Whole weeks since the first logged trunk-stability session (0 if none): the beginner's
    # trunk-first block.
    trunk_stability_weeks: int
    # Running load: easy, quality and long runs (engine.core.running_load).
    running_minutes_last_7_days: int = 0
    running_minutes_last_28_days: int = 0
    running_km_last_7_days: float = 0.0
    running_km_last_28_days: float = 0.0
    # The 7 days over the weekly mean of the 28 (acute:chronic); 0 without running.
    running_minutes_acute_chronic: float = 0.0
    running_km_acute_chronic: float = 0.0


class ProgramFact(FactModel):
    """One program the athlete follows."""

    program: str
    week: int
    sessions_this_week: int
    sessions_last_7_days: int
    min_per_week: int  # 0 when the program sets no minimum
    max_per_week: int  # 99 when the program sets no maximum
    below_minimum: bool
    # Strength days the athlete has planned later this week (the calendar's, in ``upcoming``)
    # that can take this program: for lower-body work, those clear of the quality-run gap.
    planned_strength_days_left: int
    # Below the minimum even counting those planned days: only then is the program due on a
    # day the athlete planned for something else.
    short_of_minimum: bool
    at_maximum: bool
    # How far below its weekly minimum this week is (0 when it is met or there is none).
    weekly_deficit: int
    lower_body: bool
    days_since_last: int
    # Place in today's rotation among the athlete's programs, 1 first (default_program_rotation),
    # and why, in words for the trace.
    rotation_rank: int
    rotation_reason: str
    # Whole weeks since the first logged session of the program (0 if none).
    weeks_practised: int
    # The last program.clean_sessions_for_change sessions that rated every exercise (posture
    # and ease): how many there are, and whether all of them held posture and felt easy.
    recent_rated_sessions: int
    recent_clean: TriState
    # A loaded main exercise of the program has no 1RM on record, so loads go by effort.
    missing_one_rep_max: bool


class LadderFact(FactModel):
    """The athlete's position on one ladder, with what recent sessions showed."""

    ladder: str
    stage: str
    stage_number: int
    stage_count: int
    is_final: bool
    next_stage: str  # "" on the final stage
    previous_stage: str  # "" on the first stage
    weeks_on_stage: int
    min_weeks: int
    max_weeks: int
    min_weeks_met: bool
    recent_sessions: int
    recent_posture_held: TriState
    recent_felt_easy: TriState
    posture_lost_recently: bool
    sessions_this_week: int
    min_per_week: int
    below_weekly_frequency: bool
    has_assistance: bool


class ExerciseFact(FactModel):
    """How the most recent logged sessions of one program exercise went."""

    exercise: str
    program: str
    last_posture_held: TriState
    last_felt_easy: TriState
    # The athlete's own answer to "ready to progress?" on the last log.
    last_ready: TriState
    # The last log's reps fell short of the lower end of the program's prescribed reps.
    last_reps_missed: bool
    # Not ready to progress: the athlete said so, posture failed, or reps were missed. A set
    # that only felt hard is not "not ready" (the week-3 block is meant to feel hard).
    last_not_ready: bool
    # The previous variation (first regression in the knowledge base), "" if none is known.
    previous_variation: str
    # Sessions of the previous variation since this exercise's last log that held posture
    # and were not marked not-ready: the fallback has gone well this many times.
    previous_variation_clean_sessions: int
    # Double progression (rules/progression.yaml), from the logs of this exercise that carried
    # a load: the last working load (0 without one), whether the athlete rated that session's
    # sets (posture and effort), whether every set reached the top of the program's reps, the
    # sessions in a row with posture lost or reps short, and the next lighter and heavier load
    # the athlete owns (0 when there is none).
    last_load_kg: float = 0.0
    last_rated: bool = False
    last_reps_at_top: bool = False
    misses_in_a_row: int = 0
    load_down_kg: float = 0.0
    load_up_kg: float = 0.0


# --- conclusions ---------------------------------------------------------------------------


class DerivedFact(FactModel):
    """A named conclusion other rules build on (readiness is low, the stage gate is met)."""

    name: str
    value: str
    about: str  # what it is about (a ladder or program id), "" if nothing in particular


class ConstraintFact(FactModel):
    """A limit every chosen session must respect."""

    kind: Literal[
        "no_hiit",
        "max_intensity",
        "no_lower_body_strength",
        "avoid_pattern",
        "avoid_exercise",
        "avoid_session_kind",
        "load_cap_pct",
    ]
    # no_hiit, no_lower_body_strength: "" (about "loaded" limits the latter to loaded
    # exercises and the programs whose main work has them); max_intensity: rest|low|moderate|high;
    # avoid_pattern: a movement pattern (about "loaded" limits it to loaded exercises);
    # avoid_exercise: an exercise id; avoid_session_kind: a session kind;
    # load_cap_pct: a whole % of 1RM (about "speed" limits it to tempo/pause/speed work).
    value: str
    about: str


class ProposalFact(FactModel):
    """A candidate session. The planner picks the highest preference that passes every
    constraint."""

    session: SessionKindFact
    program: str  # "" for a session without a program (a run, HIIT, rest)
    variant: str
    preference: int
    # Tie-break among equal preferences: lower goes first (a program's rotation_rank); 0 when
    # the proposal has no place in a rotation.
    rank: int
    intensity: Literal["rest", "low", "moderate", "high"]
    # Shown with the session when this proposal is the one chosen.
    note: str


class PrescriptionFact(FactModel):
    """A dose for an exercise, a ladder's current stage, a program or the HIIT intervals.
    Zero or empty values leave the knowledge base's dose as it is."""

    target: str  # exercise id, ladder id, program id, or "hiit"
    # For a program target: the variant to use today ("" keeps the planner's choice).
    variant: str
    sets: int
    reps: int
    tempo: str
    pause_s: int
    eccentric_s: int
    load_pct_max: int
    # A load in kg for the exercise (0 leaves it to % of 1RM or effort).
    load_kg: float
    # A progression rule's load decision from the logged load: up, down or hold ("" for a
    # load that is not a progression, such as the starting bar).
    load_change: Literal["up", "down", "hold", ""]
    work_s: int
    rest_s: int
    note: str


class ProgressionFact(FactModel):
    ladder: str
    action: Literal["advance", "hold", "regress"]
    from_stage: str
    to_stage: str
    reason: str


class IncludeFact(FactModel):
    """Add a ladder's current stage, a program or an exercise to the session."""

    what: Literal["ladder", "program", "exercise"]
    ref: str
    role: Literal["warm_up", "accessory", "main", "cool_down"]
    reason: str


class WarningFact(FactModel):
    code: str
    message: str


INPUT_FACTS: dict[str, type[FactModel]] = {
    "athlete": AthleteFact,
    "checkin": CheckinFact,
    "pain": PainFact,
    "history": HistoryFact,
    "program": ProgramFact,
    "ladder": LadderFact,
    "exercise": ExerciseFact,
}

CONCLUSION_FACTS: dict[str, type[FactModel]] = {
    "derived": DerivedFact,
    "constraint": ConstraintFact,
    "proposal": ProposalFact,
    "prescription": PrescriptionFact,
    "progression": ProgressionFact,
    "include": IncludeFact,
    "warning": WarningFact,
}

FACT_TYPES: dict[str, type[FactModel]] = {**INPUT_FACTS, **CONCLUSION_FACTS}

# Defaults for conclusion fields a rule leaves out, so asserted facts are never partial.
CONCLUSION_DEFAULTS: dict[str, dict[str, object]] = {
    "derived": {"value": "true", "about": ""},
    "constraint": {"value": "", "about": ""},
    "proposal": {"program": "", "variant": "", "rank": 0, "intensity": "moderate", "note": ""},
    "prescription": {
        "variant": "",
        "sets": 0,
        "reps": 0,
        "tempo": "",
        "pause_s": 0,
        "eccentric_s": 0,
        "load_pct_max": 0,
        "load_kg": 0.0,
        "load_change": "",
        "work_s": 0,
        "rest_s": 0,
        "note": "",
    },
    "progression": {"from_stage": "", "to_stage": "", "reason": ""},
    "include": {"role": "accessory", "reason": ""},
    "warning": {},
}


def coerce_conclusion_value(fact_type: str, field_name: str, value: object) -> object:
    """Fit a number from settings into a text field (a load cap of 60 is stored as "60")."""
    info = FACT_TYPES[fact_type].model_fields.get(field_name)
    if (
        info is not None
        and info.annotation is str
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value
