"""The facts of what the athlete has been practising: each ladder stage's gate (weeks on the
stage, how the recent rated sessions went) and each program exercise's last session, with its
double-progression features (the load steps, reps at the top of the range, misses in a row).

Split from :mod:`engine.core.features`, whose :class:`~engine.core.features.FeatureBuilder`
holds the request's history, windows and settings these read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from engine.contract.models import ExerciseLog, SessionLog
from engine.core.loads import load_steps
from engine.rulebook.facts import ExerciseFact, LadderFact, TriState

if TYPE_CHECKING:
    from engine.core.features import FeatureBuilder


def tri(value: bool | None) -> TriState:
    """An answer the athlete may not have given, as the rules match it."""
    if value is None:
        return "unknown"
    return "yes" if value else "no"


def all_tri(values: Iterable[bool | None]) -> TriState:
    """``yes`` when every given answer is yes, ``no`` when one is no, ``unknown`` when none
    was given: an unanswered session is no evidence either way."""
    known = [value for value in values if value is not None]
    if not known:
        return "unknown"
    return "yes" if all(known) else "no"


def ladder_facts(features: FeatureBuilder) -> list[LadderFact]:
    """One fact per ladder the athlete is on: the stage, its gate and this week's practice."""
    facts = []
    window = features.settings.ladder.recent_window_days
    sessions_for_gate = features.settings.ladder.sessions_for_gate
    default_min_weeks = features.settings.ladder.default_min_weeks
    for ladder_id, position in sorted(features.request.athlete.ladders.items()):
        ladder = features.kb.ladders.get(ladder_id)
        if ladder is None:
            continue
        stages = [stage.exercise for stage in ladder.stages]
        # An alternative final stage (the double swing) sits at the last position.
        index = stages.index(position.stage) if position.stage in stages else len(stages) - 1
        stage = ladder.stages[index]
        is_final = index == len(stages) - 1
        logs = [
            item
            for session, item in features.exercise_logs.get(position.stage, ())
            if features.within_days(session, window) and session.date >= position.since
        ]
        # Only rated logs (posture and ease both answered) are evidence for the gate; a
        # rounded spine in any log still counts against it (posture_lost_recently).
        rated = [
            item for item in logs if item.posture_held is not None and item.felt_easy is not None
        ]
        recent = rated[-sessions_for_gate:]
        weeks_on_stage = max(0, (features.today - position.since).days // 7)
        min_weeks = stage.weeks.min or default_min_weeks
        this_week = sum(
            1
            for session in features.this_week_sessions
            if any(item.id == position.stage for item in session.exercises)
        )
        min_per_week = stage.frequency.min_per_week or 0 if stage.frequency else 0
        facts.append(
            LadderFact(
                ladder=ladder_id,
                stage=position.stage,
                stage_number=index + 1,
                stage_count=len(stages),
                is_final=is_final,
                next_stage="" if is_final else stages[index + 1],
                previous_stage="" if index == 0 else stages[index - 1],
                weeks_on_stage=weeks_on_stage,
                min_weeks=min_weeks,
                max_weeks=stage.weeks.max or min_weeks,
                min_weeks_met=weeks_on_stage >= min_weeks,
                recent_sessions=len(rated),
                recent_posture_held=all_tri(item.posture_held for item in recent),
                recent_felt_easy=all_tri(item.felt_easy for item in recent),
                posture_lost_recently=any(item.posture_held is False for item in logs),
                sessions_this_week=this_week,
                min_per_week=min_per_week,
                below_weekly_frequency=this_week < min_per_week,
                has_assistance=bool(position.assistance),
            )
        )
    return facts


def exercise_facts(features: FeatureBuilder) -> list[ExerciseFact]:
    """Program exercises logged recently, with how the last session of each went, and
    how the previous variation has gone since (for the fallback's return)."""
    window = features.settings.ladder.recent_window_days
    ladder_stages = {
        stage.exercise for ladder in features.kb.ladders.values() for stage in ladder.stages
    }
    recent = [s for s in features.history if s.program and features.within_days(s, window)]
    latest: dict[str, tuple[SessionLog, ExerciseLog]] = {}
    for session in recent:
        for item in session.exercises:
            if item.id in ladder_stages:
                continue  # ladder stages have their own gate (LadderFact)
            latest[item.id] = (session, item)
    facts = []
    for exercise_id in sorted(latest):
        session, item = latest[exercise_id]
        exercise = features.kb.exercises.get(exercise_id)
        previous = exercise.regressions[0] if exercise and exercise.regressions else ""
        reps_min, reps_max = _dose_reps(features, session.program or "", exercise_id)
        missed = item.reps < reps_min
        # Clean sessions of the previous variation since this exercise was last logged,
        # in any session (the warm-up of a mobility day counts too).
        since = [
            log
            for later, log in features.exercise_logs.get(previous, ())
            if later.date > session.date and features.within_days(later, window)
        ]
        facts.append(
            ExerciseFact(
                exercise=exercise_id,
                program=session.program or "",
                last_posture_held=tri(item.posture_held),
                last_felt_easy=tri(item.felt_easy),
                last_ready=tri(item.ready_to_progress),
                last_reps_missed=missed,
                last_not_ready=(
                    item.ready_to_progress is False or item.posture_held is False or missed
                ),
                previous_variation=previous,
                previous_variation_clean_sessions=sum(
                    1 for log in since if log.posture_held and log.ready_to_progress is not False
                ),
                **_load_progression(features, exercise_id, item, reps_min, reps_max),
            )
        )
    return facts


def _load_progression(
    features: FeatureBuilder, exercise_id: str, last: ExerciseLog, reps_min: int, reps_max: int
) -> dict[str, Any]:
    """The double-progression features of one exercise (see ExerciseFact)."""
    exercise = features.kb.exercises.get(exercise_id)
    if exercise is None or exercise.load != "external" or not last.load_kg:
        return {}
    misses = 0
    for _, item in reversed(features.exercise_logs.get(exercise_id, ())):
        if not item.load_kg:
            continue  # only the logs that carried a load say whether the load was made
        if item.posture_held is False or item.reps < reps_min:
            misses += 1
        else:
            break
    down, up = load_steps(
        exercise, last.load_kg, features.request.athlete, features.lightest_bar_kg
    )
    return {
        "last_load_kg": float(last.load_kg),
        "last_rated": last.posture_held is not None and last.felt_easy is not None,
        "last_reps_at_top": reps_max > 0 and last.reps >= reps_max,
        "misses_in_a_row": misses,
        "load_down_kg": down or 0.0,
        "load_up_kg": up or 0.0,
    }


def _dose_reps(features: FeatureBuilder, program_id: str, exercise_id: str) -> tuple[int, int]:
    """The reps the program prescribes for the exercise, low and high ends ((0, 0) if it
    prescribes none): the bottom is "reps short", the top opens a load step."""
    program = features.kb.programs.get(program_id)
    if program is None:
        return 0, 0
    for variant in program.variants:
        for block in variant.blocks:
            for entry in block.exercises:
                if entry.exercise == exercise_id and entry.dose and entry.dose.reps:
                    reps = entry.dose.reps
                    if isinstance(reps, list):
                        return int(reps[0]), int(reps[1])
                    return int(reps), int(reps)
    return 0, 0
