"""A demo athlete with four weeks of plausible history, so every command has data to show.

``demo-runner`` is an intermediate runner on week 3 of the heavy-lifting program and on the
isometric-pistol stage of the pistol ladder. A fixed weekly plan (by weekday) gives a quality
run on Tuesday, heavy lifting with the pistol holds on Wednesday and Friday, HIIT on Thursday,
an easy run on Saturday and the long run on Sunday; Monday is a rest day. Loads go up and the
pistol holds start to feel easy over the four weeks. Each day begins with a check-in through
:func:`engine.app.checkin.check_in` (which stores that morning's recommendation), then the athlete
does the recommended kind of session and logs it. The plan and the engine agree on most days;
in the third week a bad night before HIIT day makes the engine swap the HIIT for something
easier.

Deterministic: each day's scores come from a ``random.Random`` seeded with the athlete id and
the date, so a day always gets the same numbers.

Idempotent: the profile is put back to the demo's own, a past day that already has a check-in
is left as it is, a log already stored is never written twice, and today's check-in is
replaced (its earlier recommendation is marked superseded). Running the demo twice, or on a
later day, adds only the days still missing.
"""

from __future__ import annotations

import datetime as dt
import random

from engine.app.checkin import check_in
from engine.contract.calendar import WEEKDAYS, CalendarEntry
from engine.contract.models import (
    AthleteProfile,
    CheckIn,
    ExerciseLog,
    LadderPosition,
    PlannedRun,
    ProgramEnrollment,
    SessionKind,
    SessionLog,
)
from engine.core.evaluator import Evaluator
from engine.core.features import QUALITY_KINDS
from engine.storage import calendar as calendar_rows
from engine.storage.store import NotFound, Store

DEMO_ATHLETE_ID = "demo-runner"
DEMO_WEEKS = 4
PROGRAM = "heavy_lifting_for_runners"
LADDER = "pistol_squat"
LADDER_STAGE = "isometric_pistol"

# The weekly pattern, by ISO weekday (1 = Monday): what the athlete plans and then does.
WEEKLY_PLAN: dict[int, SessionKind] = {
    1: "rest",
    2: "quality_run",
    3: "strength",
    4: "hiit",
    5: "strength",
    6: "easy_run",
    7: "long_run",
}
MINUTES: dict[str, int] = {
    "easy_run": 40,
    "quality_run": 50,
    "hiit": 25,
    "long_run": 80,
    "mobility": 20,
    "cross_training": 45,
    "strength": 45,
}
# The week (0-3) whose HIIT day follows a bad night.
BAD_NIGHT_WEEK = 2

# Loads in kg (kettlebells; dumbbells for the push-up rows) in each week of the demo, and the
# week-3 reps (sets = the 3 rounds).
LOADS_KG: dict[str, tuple[float, float, float, float]] = {
    "single_kettlebell_front_rack_squat": (16, 16, 20, 20),
    "deficit_reverse_lunge": (8, 8, 12, 12),
    "single_racked_banded_knee_drive": (8, 8, 8, 12),
    "staggered_stance_kettlebell_deadlift": (20, 20, 24, 24),
    "double_kettlebell_front_rack_carry": (12, 12, 16, 16),
    "double_kettlebell_swing": (16, 16, 16, 20),
    "push_up_with_alternating_rows": (10, 10, 10, 12.5),
}
REPS: dict[str, int] = {
    "single_kettlebell_front_rack_squat": 10,
    "deficit_reverse_lunge": 10,
    "single_racked_banded_knee_drive": 10,
    "staggered_stance_kettlebell_deadlift": 10,
    "double_kettlebell_front_rack_carry": 1,
    "double_kettlebell_swing": 15,
    "push_up_with_alternating_rows": 10,
}


def demo_profile(today: dt.date) -> AthleteProfile:
    """The demo athlete: bells and dumbbells at home, week 3 of heavy lifting, pistol stage 2,
    and a coach who reviews (so a proposed ladder advance waits in the review queue)."""
    return AthleteProfile(
        id=DEMO_ATHLETE_ID,
        level="intermediate",
        has_coach=True,
        equipment=[
            "kettlebell",
            "kettlebell_pair",
            "dumbbell",
            "dumbbell_pair",
            "mini_band",
            "loop_band",
            "mat",
            "box",
            "suspension_trainer",
        ],
        kettlebells_kg=[8, 12, 16, 20, 24],
        dumbbells_kg=[5, 7.5, 10, 12.5, 15],
        one_rep_max_kg={
            "single_kettlebell_front_rack_squat": 30,
            "staggered_stance_kettlebell_deadlift": 34,
            "double_kettlebell_swing": 28,
        },
        programs=[ProgramEnrollment(id=PROGRAM, week=3)],
        ladders={
            LADDER: LadderPosition(
                stage=LADDER_STAGE, since=first_day(today) - dt.timedelta(days=3)
            )
        },
    )


def first_day(today: dt.date) -> dt.date:
    """The first day of demo history: the Monday four whole weeks before ``today``'s week.

    Starting on a Monday gives whole ISO weeks and the same recommendation ids on every
    weekday (#1 is a Monday, #12 the second week's Friday strength session), so the README's
    examples run as written whatever day the demo is made.
    """
    return today - dt.timedelta(days=today.weekday(), weeks=DEMO_WEEKS)


def planned_kind(day: dt.date) -> SessionKind:
    return WEEKLY_PLAN[day.isoweekday()]


def _rng(day: dt.date) -> random.Random:
    return random.Random(f"{DEMO_ATHLETE_ID}/{day.isoformat()}")


def demo_week(day: dt.date, today: dt.date) -> int:
    """Which week of the demo (0-3) ``day`` falls in."""
    return min(DEMO_WEEKS - 1, max(0, (day - first_day(today)).days // 7))


def demo_checkin(day: dt.date, today: dt.date) -> CheckIn:
    """A plausible morning check-in: yesterday's session shows in recovery and soreness."""
    rng = _rng(day)
    yesterday = planned_kind(day - dt.timedelta(days=1))
    recovery = 88 + rng.randint(-6, 6)
    soreness = rng.randint(1, 2)
    if yesterday == "hiit":
        recovery -= 9
        soreness += 1
    elif yesterday == "long_run":
        recovery -= 7
        soreness += 2
    elif yesterday == "strength":
        recovery -= 3
        soreness += 2
    workday = day.isoweekday() <= 5
    stress = rng.randint(3, 5) if workday else rng.randint(1, 3)
    bad_night = (
        day < today and planned_kind(day) == "hiit" and demo_week(day, today) == BAD_NIGHT_WEEK
    )
    if bad_night:
        recovery, stress = 68, 7
    recovery = max(40, min(99, recovery))
    return CheckIn(
        date=day,
        recovery_pct=recovery,
        slept_well=not bad_night and recovery >= 78 and rng.random() > 0.1,
        soreness=min(10, soreness),
        life_stress=stress,
        planned=planned_kind(day),
        note="slept badly, busy day at work" if bad_night else None,
    )


def _strength_log(day: dt.date, week: int) -> SessionLog:
    """Heavy lifting (week 3) with the isometric pistol holds after it."""
    second_of_week = day.isoweekday() >= 4
    exercises = [
        ExerciseLog(
            id=exercise_id,
            sets=3,
            reps=REPS[exercise_id],
            load_kg=loads[week],
            posture_held=True,
            felt_easy=week == 3 and second_of_week,
        )
        for exercise_id, loads in LOADS_KG.items()
    ]
    # The pistol holds: posture slips once early on, then they start to feel easy in week 3.
    pistol_easy = week == 3 or (week == 2 and second_of_week)
    posture = not (week == 0 and not second_of_week)
    exercises.append(
        ExerciseLog(id=LADDER_STAGE, sets=3, reps=8, posture_held=posture, felt_easy=pistol_easy)
    )
    return SessionLog(
        date=day,
        kind="strength",
        program=PROGRAM,
        variant="week_3",
        exercises=exercises,
        duration_min=MINUTES["strength"],
    )


def _hiit_log(day: dt.date, week: int) -> SessionLog:
    """HIIT with the three recovery checks; the second week's went badly."""
    hard_week = week == 1
    return SessionLog(
        date=day,
        kind="hiit",
        duration_min=MINUTES["hiit"],
        hr_back_to_normal=True,
        slept_well_after=not hard_week,
        recovered_between_intervals=not hard_week,
    )


def demo_sessions(day: dt.date, today: dt.date, kind: SessionKind) -> list[SessionLog]:
    """What the demo athlete did on ``day`` (before ``today``), given the kind recommended."""
    week = demo_week(day, today)
    if kind == "rest":
        return []
    if kind == "strength":
        return [_strength_log(day, week)]
    if kind == "hiit":
        return [_hiit_log(day, week)]
    minutes = MINUTES[kind] + (10 * week if kind == "long_run" else 0)
    return [SessionLog(date=day, kind=kind, duration_min=minutes)]


def demo_upcoming(day: dt.date) -> list[PlannedRun]:
    """Quality and long runs planned in the next three days (for the 48-hour rule), for callers
    that give their athletes no calendar (the scale benchmark); the demo athlete's own
    check-ins read :func:`demo_calendar` instead."""
    runs: list[PlannedRun] = []
    for offset in range(1, 4):
        ahead = day + dt.timedelta(days=offset)
        if planned_kind(ahead) in QUALITY_KINDS:
            runs.append(PlannedRun(date=ahead, kind=planned_kind(ahead)))
    return runs


def demo_calendar() -> list[CalendarEntry]:
    """The demo athlete's running calendar: the weekly plan's every day but the rest day, so
    check-ins, the week plan and the web's week ahead all read the runs and strength days."""
    return [
        CalendarEntry(rule="weekly", weekday=WEEKDAYS[weekday - 1], kind=kind, source="demo")  # type: ignore[arg-type]
        for weekday, kind in sorted(WEEKLY_PLAN.items())
        if kind != "rest"
    ]


def _ensure_athlete(store: Store, today: dt.date) -> None:
    profile = demo_profile(today)
    try:
        current = store.get_athlete(DEMO_ATHLETE_ID)
    except NotFound:
        store.add_athlete(profile)
        return
    if current != profile:
        store.update_athlete(profile, reason="demo reset")


def create_demo(store: Store, evaluator: Evaluator, today: dt.date) -> str:
    """Create (or top up) the demo athlete and its history; check in for today.

    Returns the athlete id. Safe to run again: see the module docstring.
    """
    _ensure_athlete(store, today)
    # An identical live entry is never stored twice, so this is safe to repeat.
    calendar_rows.add_entries(store, DEMO_ATHLETE_ID, demo_calendar())
    start = first_day(today)
    checked_in = {item.date for item in store.checkins(DEMO_ATHLETE_ID, since=start)}
    stored = store.sessions(DEMO_ATHLETE_ID, since=start, until=today)
    day = start
    while day < today:
        if day not in checked_in:
            result = check_in(
                store,
                evaluator,
                DEMO_ATHLETE_ID,
                demo_checkin(day, today),
                None,  # the runs ahead come from the demo's calendar
                today=day,
            )
            for log in demo_sessions(day, today, result.recommendation.session.kind):
                if log not in stored:
                    store.log_session(DEMO_ATHLETE_ID, log)
        day += dt.timedelta(days=1)
    check_in(
        store,
        evaluator,
        DEMO_ATHLETE_ID,
        demo_checkin(today, today),
        None,
        replace=True,
        today=today,
    )
    return DEMO_ATHLETE_ID
