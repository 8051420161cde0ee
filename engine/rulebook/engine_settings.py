"""The settings the engine's own code reads by name, besides those the rules reference.

The features (:mod:`engine.core.features`), the planner (:mod:`engine.core.planner`), the load
rounding (:mod:`engine.core.loads`), the review queue and the season invariants read these from
``rules/settings.yaml`` with no fallback value in code, so every coaching number or choice they
use is data with its sources. A rule directory whose settings file lacks one of them, or gives it
a value of the wrong type, is refused when it is loaded, with the setting named: a renamed
setting cannot silently fall back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError


@dataclass(frozen=True)
class EngineSetting:
    kind: type | Any  # the Python type its value must have
    used_for: str

    def problem(self, value: Any) -> str | None:
        """Why ``value`` does not fit, or None."""
        try:
            TypeAdapter(self.kind).validate_python(value, strict=True)
        except ValidationError:
            return f"must be {_describe(self.kind)}, not {value!r}"
        return None


def _describe(kind: type | Any) -> str:
    names = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}
    return names.get(kind, "a list of names" if kind == list[str] else str(kind))


# Session kinds with a length and a note in the settings (run.<kind>_minutes, run.<kind>_note).
CARDIO_KINDS = ("easy_run", "cross_training", "quality_run", "long_run")

ENGINE_SETTINGS: dict[str, EngineSetting] = {
    "schedule.session_hour": EngineSetting(int, "the hour a dated session is taken to happen"),
    "hiit.count_quality_runs": EngineSetting(bool, "whether quality runs count as HIIT"),
    "load.heavy_min_pct": EngineSetting(float, "a logged load that counts as heavy"),
    "load.standard_bar_kg": EngineSetting(float, "the bar a profile listing no barbell has"),
    "program.clean_sessions_for_change": EngineSetting(
        int, "the rated sessions a program's variant change reads"
    ),
    "ladder.recent_window_days": EngineSetting(int, "how far back a ladder's gate looks"),
    "ladder.sessions_for_gate": EngineSetting(int, "the sessions a ladder's gate reads"),
    "ladder.default_min_weeks": EngineSetting(int, "a stage's weeks where it gives none"),
    "hiit.work_s": EngineSetting(int, "the HIIT work interval no rule prescribes"),
    "hiit.rest_ratio": EngineSetting(int, "the HIIT rest no rule prescribes"),
    "hiit.rounds": EngineSetting(int, "the number of HIIT intervals"),
    "hiit.readiness_min_pct": EngineSetting(
        int, "the check before each interval; the review queue's readiness flag"
    ),
    "hiit.interval_check_note": EngineSetting(str, "the check before each interval"),
    "hiit.interval_exercise": EngineSetting(str, "the exercise of a HIIT interval"),
    "hiit.interval_exercise_note": EngineSetting(str, "the note on the interval exercise"),
    "hiit.low_impact_note": EngineSetting(str, "intervals when the exercise is ruled out"),
    "mobility.program": EngineSetting(str, "the program a mobility day draws on"),
    "mobility.block_roles": EngineSetting(list[str], "the blocks a mobility day takes"),
    "planning.main_ruled_out_max_fraction": EngineSetting(
        float, "the share of a program's main work that may be ruled out"
    ),
    "planning.lower_body_strength_categories": EngineSetting(
        list[str], "exercise categories that are lower-body strength work"
    ),
    "planning.makeup_pain_areas": EngineSetting(
        list[str], "pain areas that stop a weekly minimum being made up"
    ),
    "hiit.toned_down_rest_s": EngineSetting(
        int, "the eased HIIT rest the season invariants expect after a failed recovery"
    ),
    "schedule.lower_body_gap_hours": EngineSetting(
        int, "the gap between two lower-body strength sessions (season invariants)"
    ),
    "load.epley_reps_divisor": EngineSetting(int, "Epley's divisor for an estimated 1RM"),
    "load.reps_in_reserve_easy": EngineSetting(int, "reps in reserve on a fairly easy set"),
    "load.reps_in_reserve_hard": EngineSetting(int, "reps in reserve on a hard set"),
    "load.reps_in_reserve_unrated": EngineSetting(int, "reps in reserve on an unrated set"),
    "load.estimate_window_days": EngineSetting(int, "how far back sets estimate a 1RM"),
    "load.without_one_rep_max_note": EngineSetting(str, "the load advice without a 1RM"),
    # Read by the review queue and the season invariants as well as by rules: a rule change that
    # stops referencing one must not turn those checks into a KeyError.
    "hiit.max_per_7_days": EngineSetting(int, "the HIIT cap the season invariants check"),
    "stress.high_min": EngineSetting(int, "a high-stress day, for the season invariants"),
    "schedule.quality_gap_hours": EngineSetting(
        int, "the gap before a quality run (planned strength days, review queue, seasons)"
    ),
    "fallback.clean_sessions_to_return": EngineSetting(
        int, "the clean sessions a fallback may outlast (season invariants)"
    ),
    **{
        f"run.{kind}_{what}": EngineSetting(str, f"the {what} of a {kind.replace('_', ' ')}")
        for kind in CARDIO_KINDS
        for what in ("minutes", "note")
    },
}


def engine_setting_problems(settings: Mapping[str, Any]) -> dict[str, str]:
    """Each engine setting that is missing or of the wrong type, with why."""
    problems: dict[str, str] = {}
    for key, setting in ENGINE_SETTINGS.items():
        if key not in settings:
            problems[key] = f"setting {key} is missing (the engine reads it: {setting.used_for})"
        elif (problem := setting.problem(settings[key])) is not None:
            problems[key] = f"setting {key} {problem}"
    return problems
