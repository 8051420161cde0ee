"""The settings the engine's own code reads, as one typed object.

The features (:mod:`engine.core.features`), the planner (:mod:`engine.core.planner`), the load
estimate, the review queue and the season invariants read these from ``rules/settings.yaml``
with no fallback value in code, so every coaching number or choice they use is data with its
sources. They read them as attributes of :class:`EngineSettings` (``settings.hiit.work_s``),
never by a string key, so a misspelt name is a type error rather than a KeyError mid-run.

The classes below are the one declaration: :data:`ENGINE_SETTINGS` (each dotted key, its type
and what it is used for) is generated from their fields. A rule directory whose settings file
lacks one of them, or gives it a value of the wrong type, is refused when it is loaded, with the
setting named: a renamed setting cannot silently fall back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, cast, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from engine.activities.kinds import ImportSettings


class _Group(BaseModel):
    """The settings under one prefix (``hiit.``, ``load.``...), each field one setting."""

    # strict: a quoted number in the settings file is a mistake to report, not to coerce.
    model_config = ConfigDict(frozen=True, strict=True, extra="ignore")


def _uses(text: str) -> Any:
    """A setting's field, described by what the engine uses it for (shown when it is missing)."""
    return Field(description=text)


class ScheduleSettings(_Group):
    session_hour: int = _uses("the hour a dated session is taken to happen")
    quality_gap_hours: int = _uses(
        "the gap before a quality run (planned strength days, review queue, seasons)"
    )
    lower_body_gap_hours: int = _uses(
        "the gap between two lower-body strength sessions (season invariants)"
    )


class HiitSettings(_Group):
    count_quality_runs: bool = _uses("whether quality runs count as HIIT")
    work_s: int = _uses("the HIIT work interval no rule prescribes")
    rest_ratio: int = _uses("the HIIT rest no rule prescribes")
    rounds: int = _uses("the number of HIIT intervals")
    readiness_min_pct: int = _uses(
        "the check before each interval; the review queue's readiness flag"
    )
    interval_check_note: str = _uses("the check before each interval")
    interval_exercise: str = _uses("the exercise of a HIIT interval")
    interval_exercise_note: str = _uses("the note on the interval exercise")
    low_impact_note: str = _uses("intervals when the exercise is ruled out")
    toned_down_rest_s: int = _uses(
        "the eased HIIT rest the season invariants expect after a failed recovery"
    )
    # Read by the review queue and the season invariants as well as by rules: a rule change
    # that stops referencing it must not turn those checks into a KeyError.
    max_per_7_days: int = _uses("the HIIT cap the season invariants check")


class LoadSettings(_Group):
    heavy_min_pct: float = _uses("a logged load that counts as heavy")
    standard_bar_kg: float = _uses("the bar a profile listing no barbell has")
    epley_reps_divisor: int = _uses("Epley's divisor for an estimated 1RM")
    reps_in_reserve_easy: int = _uses("reps in reserve on a fairly easy set")
    reps_in_reserve_hard: int = _uses("reps in reserve on a hard set")
    reps_in_reserve_unrated: int = _uses("reps in reserve on an unrated set")
    estimate_window_days: int = _uses("how far back sets estimate a 1RM")
    without_one_rep_max_note: str = _uses("the load advice without a 1RM")


class ProgramSettings(_Group):
    clean_sessions_for_change: int = _uses("the rated sessions a program's variant change reads")


class LadderSettings(_Group):
    recent_window_days: int = _uses("how far back a ladder's gate looks")
    sessions_for_gate: int = _uses("the sessions a ladder's gate reads")
    default_min_weeks: int = _uses("a stage's weeks where it gives none")


class MobilitySettings(_Group):
    program: str = _uses("the program a mobility day draws on")
    block_roles: list[str] = _uses("the blocks a mobility day takes")


class PlanningSettings(_Group):
    main_ruled_out_max_fraction: float = _uses(
        "the share of a program's main work that may be ruled out"
    )
    lower_body_strength_categories: list[str] = _uses(
        "exercise categories that are lower-body strength work"
    )
    makeup_pain_areas: list[str] = _uses("pain areas that stop a weekly minimum being made up")


class StressSettings(_Group):
    high_min: int = _uses("a high-stress day, for the season invariants")


class FallbackSettings(_Group):
    clean_sessions_to_return: int = _uses(
        "the clean sessions a fallback may outlast (season invariants)"
    )


@dataclass(frozen=True)
class CardioSession:
    minutes: str
    note: str


class RunSettings(_Group):
    easy_run_minutes: str = _uses("the minutes of an easy run")
    easy_run_note: str = _uses("the note of an easy run")
    cross_training_minutes: str = _uses("the minutes of a cross training")
    cross_training_note: str = _uses("the note of a cross training")
    quality_run_minutes: str = _uses("the minutes of a quality run")
    quality_run_note: str = _uses("the note of a quality run")
    long_run_minutes: str = _uses("the minutes of a long run")
    long_run_note: str = _uses("the note of a long run")

    def session(self, kind: str) -> CardioSession | None:
        """How long a run or cross-training of this kind is and how to do it; None for a
        session kind the settings give no length (it is planned as a bare block)."""
        sessions = {
            "easy_run": CardioSession(self.easy_run_minutes, self.easy_run_note),
            "cross_training": CardioSession(self.cross_training_minutes, self.cross_training_note),
            "quality_run": CardioSession(self.quality_run_minutes, self.quality_run_note),
            "long_run": CardioSession(self.long_run_minutes, self.long_run_note),
        }
        return sessions.get(kind)


class EngineSettings(BaseModel):
    """Every setting the engine's code reads, grouped by the prefix of its key."""

    model_config = ConfigDict(frozen=True)

    schedule: ScheduleSettings
    hiit: HiitSettings
    load: LoadSettings
    program: ProgramSettings
    ladder: LadderSettings
    mobility: MobilitySettings
    planning: PlanningSettings
    stress: StressSettings
    fallback: FallbackSettings
    run: RunSettings
    activity_import: ImportSettings

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> EngineSettings:
        """The typed settings from a rule directory's ``key: value`` settings. A missing or
        mistyped one raises ValueError naming each key (a loaded rule directory has already
        been refused for them, with the file and line: :func:`engine_setting_problems`)."""
        if problems := engine_setting_problems(settings):
            raise ValueError("; ".join(problems.values()))
        groups: dict[str, dict[str, Any]] = {group: {} for group in cls.model_fields}
        for key in ENGINE_SETTINGS:
            group, name = key.split(".", 1)
            groups[group][name] = settings[key]
        return cls.model_validate(groups)


@dataclass(frozen=True)
class EngineSetting:
    """One declared setting: the Python type its value must have, its bounds (``gt=0``...)
    and what it is used for."""

    kind: Any
    used_for: str
    bounds: tuple[Any, ...] = ()

    def problem(self, value: Any) -> str | None:
        """Why ``value`` does not fit, or None."""
        try:
            TypeAdapter(self.kind).validate_python(value, strict=True)
        except ValidationError:
            return f"must be {_describe(self.kind)}, not {value!r}"
        if self.bounds:
            try:
                bounded = cast(Any, Annotated[self.kind, *self.bounds])
                TypeAdapter(bounded).validate_python(value, strict=True)
            except ValidationError as error:
                message = error.errors()[0]["msg"].removeprefix("Input should be ")
                return f"must be {message}, not {value!r}"
        return None


def _describe(kind: Any) -> str:
    if get_origin(kind) is Literal:
        return "one of " + ", ".join(str(option) for option in get_args(kind))
    names = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}
    return names.get(kind, "a list of names" if kind == list[str] else str(kind))


def _declared() -> dict[str, EngineSetting]:
    declared: dict[str, EngineSetting] = {}
    for group, group_field in EngineSettings.model_fields.items():
        model = group_field.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"EngineSettings.{group} must be a settings group")
        for name, field in model.model_fields.items():
            declared[f"{group}.{name}"] = EngineSetting(
                field.annotation, field.description or "", tuple(field.metadata)
            )
    return declared


# Each dotted key the engine reads, generated from the classes above (the lint's list of
# settings in use, the load-time check and its tests read this).
ENGINE_SETTINGS: dict[str, EngineSetting] = _declared()


def engine_setting_problems(settings: Mapping[str, Any]) -> dict[str, str]:
    """Each engine setting that is missing or of the wrong type, with why."""
    problems: dict[str, str] = {}
    for key, setting in ENGINE_SETTINGS.items():
        if key not in settings:
            problems[key] = f"setting {key} is missing (the engine reads it: {setting.used_for})"
        elif (problem := setting.problem(settings[key])) is not None:
            problems[key] = f"setting {key} {problem}"
    return problems
