"""Text views of the running calendar and the week plan: a grid a person reads at a glance."""

from __future__ import annotations

import datetime as dt

from engine.app.week import WeekDay, WeekPlan
from engine.contract.calendar import Calendar, CalendarEntry
from engine.contract.models import PlannedRun, Recommendation
from engine.views.cards import recommendation_text

# How many of the session's exercises the grid names; the full card is in JSON and ICS.
KEY_EXERCISES = 3


def _at(entry: CalendarEntry) -> str:
    return f" at {entry.at.strftime('%H:%M')}" if entry.at else ""


def entry_text(entry: CalendarEntry) -> str:
    if entry.rule == "weekly":
        what = f"every {entry.weekday}: {entry.kind}{_at(entry)}"
    elif entry.rule == "once":
        what = f"on {entry.date}: {entry.kind}{_at(entry)}"
    else:
        what = f"skip {entry.date} (no run that day)"
    source = "" if entry.source == "cli" else f"  [{entry.source}]"
    return f"#{entry.id}  {what}{source}"


def calendar_text(calendar: Calendar) -> str:
    if not calendar.entries:
        return f"{calendar.athlete} has no calendar entries; add some with 'runstrong calendar add'"
    lines = [f"running calendar of {calendar.athlete}:"]
    lines += [f"  {entry_text(entry)}" for entry in calendar.entries]
    return "\n".join(lines)


def run_text(run: PlannedRun) -> str:
    when = run.date
    time = f" {when.strftime('%H:%M')}" if isinstance(when, dt.datetime) else ""
    return f"{run.kind}{time}"


def _why(recommendation: Recommendation) -> str:
    chosen = next((alt for alt in recommendation.alternatives if alt.outcome == "chosen"), None)
    if chosen is None:
        return recommendation.rationale[-1].summary if recommendation.rationale else ""
    summary = next(
        (entry.summary for entry in recommendation.rationale if entry.rule == chosen.proposed_by),
        chosen.reason,
    )
    return f"{chosen.proposed_by}: {summary}"


def _key_exercises(recommendation: Recommendation) -> str:
    names = [
        item.name
        for block in recommendation.session.blocks
        if block.role in ("main", "conditioning", "run")
        for item in block.exercises
    ]
    shown = ", ".join(names[:KEY_EXERCISES])
    return shown + (f" +{len(names) - KEY_EXERCISES}" if len(names) > KEY_EXERCISES else "")


def day_line(day: WeekDay) -> list[str]:
    rec = day.recommendation
    session = rec.session
    program = f" ({session.program})" if session.program else ""
    marker = "projected" if day.projected else (day.status or "checked in")
    lines = [
        f"{day.date:%a %Y-%m-%d}  {session.kind}{program}, {session.intensity}  [{marker}]",
    ]
    if day.calendar_runs:
        lines.append(f"    calendar: {', '.join(run_text(run) for run in day.calendar_runs)}")
    exercises = _key_exercises(rec)
    if exercises:
        lines.append(f"    {exercises}")
    why = _why(rec)
    if why:
        lines.append(f"    why: {why}")
    return lines


def week_text(plan: WeekPlan) -> str:
    lines = [
        f"week of {plan.start} for {plan.athlete} (projected days carry the readiness of the "
        f"{plan.readiness_from} check-in; a new check-in re-plans)",
        "",
    ]
    for day in plan.days:
        lines += day_line(day)
    for missed in plan.missed_minimums:
        lines += [
            "",
            f"{missed.name}: {missed.planned} of its {missed.minimum} sessions in the week "
            f"ending {missed.week_ending:%a %Y-%m-%d}. The runs, the 48 hours between loaded "
            "leg sessions and before quality and long runs, and readiness leave no other day; "
            "the minimum is missed this week rather than sessions stacked.",
        ]
    if not plan.has_runs:
        lines += [
            "",
            "No runs in this plan: runstrong fits strength around your running, and it knows of "
            "none. Add your runs to the calendar, for example",
            f"  runstrong calendar add {plan.athlete} --weekly tue:quality_run "
            "--weekly thu:easy_run --weekly sun:long_run@08:00",
            f"or import your training plan: runstrong calendar import {plan.athlete} plan.ics",
        ]
    return "\n".join(lines)


def day_card(day: WeekDay) -> str:
    header = "projected" if day.projected else f"recommendation #{day.recommendation_id}"
    return f"{header}\n\n{recommendation_text(day.recommendation)}"
