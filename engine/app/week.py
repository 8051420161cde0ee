"""The athlete's next seven days, planned by the same rules as the daily check-in.

Each day is evaluated in order on the history as it would stand if the earlier days went as
planned: a day with a stored check-in shows its stored recommendation (the coach's amended
session if there is one); a later day is a projection that carries the latest check-in's
readiness (recovery, sleep, soreness, stress) and pain forward, takes its planned kind and
upcoming runs from the calendar, and adds the projected session to the history the next day
sees. So the program minimums, the 48-hour windows before quality and long runs, the HIIT cap
and the lower-body cap are placed across the week by the rules, not discovered on the day.
Projected sessions are logged unrated, so a projection never opens a ladder gate.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from engine.app.checkin import HISTORY_DAYS
from engine.app.session_done import session_as_log
from engine.calendar.expand import kind_on, runs_between, week_lookahead_days
from engine.contract.errors import InputError, Problem
from engine.contract.models import (
    CheckIn,
    Contract,
    Date,
    EvaluationRequest,
    PlannedRun,
    Recommendation,
    Session,
    SessionLog,
)
from engine.core.evaluator import Evaluator
from engine.core.running_load import RUN_KINDS
from engine.storage import calendar as calendar_rows
from engine.storage.reviews import ReviewStore
from engine.storage.store import Store

WEEK_DAYS = 7
ISO_SUNDAY = 7


class WeekDay(Contract):
    date: Date
    # False for a day with a stored check-in; True for a day the plan projects.
    projected: bool
    # The stored recommendation's id and review status, for a day that has one.
    recommendation_id: int | None = None
    status: str | None = None
    # Whether the session shown is the coach's amended version of the engine's.
    amended_by_coach: bool = False
    calendar_runs: list[PlannedRun] = Field(default_factory=list)
    recommendation: Recommendation


class MissedMinimum(Contract):
    """A program whose weekly minimum the planned ISO week does not reach: the runs, the
    spacing rules and the readiness left no day for another session."""

    program: str
    name: str
    week_ending: Date
    planned: int
    minimum: int


class WeekPlan(Contract):
    athlete: str
    start: Date
    # The check-in whose readiness the projected days carry forward.
    readiness_from: Date
    days: list[WeekDay]
    # Whether the calendar holds a run this week: without the athlete's runs there is nothing
    # for the strength work to be spaced around, and the week says so.
    has_runs: bool = True
    missed_minimums: list[MissedMinimum] = Field(default_factory=list)


def _amended(store: Store, recommendation_id: int) -> Session | None:
    amended, _ = ReviewStore(store).review_state(recommendation_id)
    return amended


def plan_week(
    store: Store, evaluator: Evaluator, athlete_id: str, start: dt.date, today: dt.date
) -> WeekPlan:
    athlete = store.get_athlete(athlete_id)
    end = start + dt.timedelta(days=WEEK_DAYS - 1)
    checkins = [
        checkin for checkin in store.checkins(athlete_id) if checkin.date <= min(end, today)
    ]
    latest = max((c for c in checkins if c.date <= start), key=lambda c: c.date, default=None)
    if latest is None:
        raise InputError(
            [
                Problem(
                    f"{athlete_id} has no check-in on or before {start}; check in first "
                    f"('runstrong checkin {athlete_id}') so the week has readiness to project",
                    field="--from",
                )
            ]
        )
    entries = calendar_rows.entries(store, athlete_id)
    logged = store.sessions(
        athlete_id, until=min(end, today), since=start - dt.timedelta(days=HISTORY_DAYS)
    )
    by_date = {checkin.date: checkin for checkin in checkins}
    projected_logs: list[SessionLog] = []
    days: list[WeekDay] = []
    horizon = week_lookahead_days(evaluator.ruleset.engine_settings)
    for offset in range(WEEK_DAYS):
        day = start + dt.timedelta(days=offset)
        runs = runs_between(entries, day, day + dt.timedelta(days=horizon))
        todays_runs = [run for run in runs if _day_of(run) == day]
        stored = store.recommendation_for(athlete_id, day) if day in by_date else None
        if stored is not None:
            latest = by_date[day]
            amended = _amended(store, stored.id)
            session = amended if amended is not None else stored.recommendation.session
            days.append(
                WeekDay(
                    date=day,
                    projected=False,
                    recommendation_id=stored.id,
                    status=stored.status,
                    amended_by_coach=amended is not None,
                    calendar_runs=todays_runs,
                    # The coach's amended session wherever there is one, in every format.
                    recommendation=stored.recommendation.model_copy(update={"session": session}),
                )
            )
            if day == today and not any(log.date == day for log in logged):
                projected_logs.append(session_as_log(session, day))
            continue
        checkin = CheckIn(
            date=day,
            recovery_pct=latest.recovery_pct,
            slept_well=latest.slept_well,
            soreness=latest.soreness,
            life_stress=latest.life_stress,
            pain=latest.pain,
            planned=kind_on(entries, day),  # type: ignore[arg-type]
            note=None,
        )
        since = day - dt.timedelta(days=HISTORY_DAYS)
        history = [log for log in logged if since <= log.date <= day]
        history += [log for log in projected_logs if since <= log.date < day]
        history.sort(key=lambda log: log.date)
        request = EvaluationRequest(
            athlete=athlete, checkin=checkin, history=history, upcoming=runs
        )
        recommendation = evaluator.evaluate(request)
        days.append(
            WeekDay(
                date=day, projected=True, calendar_runs=todays_runs, recommendation=recommendation
            )
        )
        if recommendation.session.kind != "rest":
            projected_logs.append(session_as_log(recommendation.session, day))
    return WeekPlan(
        athlete=athlete_id,
        start=start,
        readiness_from=latest.date,
        days=days,
        # The athlete's own plan, not the engine's swaps (an easy run in place of a HIIT).
        has_runs=any(run.kind in RUN_KINDS for day in days for run in day.calendar_runs),
        missed_minimums=missed_minimums(evaluator, days),
    )


def missed_minimums(evaluator: Evaluator, days: list[WeekDay]) -> list[MissedMinimum]:
    """The programs below their weekly minimum at the end of each whole ISO week the plan
    holds (read on its Sunday, from the features the rules saw, plus Sunday's own session)."""
    missed = []
    for day in days:
        if day.date.isoweekday() != ISO_SUNDAY:
            continue
        session = day.recommendation.session
        programs = day.recommendation.features.get("programs", {})
        for program_id, row in sorted(programs.items()):
            minimum = int(row.get("min_per_week", 0))
            planned = int(row.get("sessions_this_week", 0)) + (session.program == program_id)
            if minimum and planned < minimum:
                known = evaluator.kb.programs.get(program_id)
                missed.append(
                    MissedMinimum(
                        program=program_id,
                        name=known.name if known else program_id,
                        week_ending=day.date,
                        planned=planned,
                        minimum=minimum,
                    )
                )
    return missed


def _day_of(run: PlannedRun) -> dt.date:
    return run.date.date() if isinstance(run.date, dt.datetime) else run.date
