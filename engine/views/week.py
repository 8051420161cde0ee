"""Text views of the running calendar and the week plan: a grid a person reads at a glance."""

from __future__ import annotations

from engine.app.athlete_week import NO_RUNS, AthleteWeek, DayCard
from engine.contract.calendar import Calendar, CalendarEntry
from engine.views.athlete_card import card_text

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


def day_line(day: DayCard) -> list[str]:
    card = day.card
    marker = "projected" if day.projected else (day.status or "checked in")
    lines = [f"{day.date:%a %Y-%m-%d}  {card.title}, {card.intensity}  [{marker}]"]
    if day.calendar:
        lines.append(f"    calendar: {', '.join(day.calendar)}")
    if day.key_exercises:
        shown = ", ".join(day.key_exercises[:KEY_EXERCISES])
        more = len(day.key_exercises) - KEY_EXERCISES
        lines.append(f"    {shown}" + (f" +{more}" if more > 0 else ""))
    lines.extend(f"    why: {reason}" for reason in card.changes[:1])
    return lines


def week_text(plan: AthleteWeek) -> str:
    lines = [
        f"week of {plan.start} for {plan.athlete} (projected days carry the readiness of the "
        f"{plan.readiness_from} check-in; a new check-in re-plans)",
        "",
    ]
    for day in plan.days:
        lines += day_line(day)
    for missed in plan.missed_minimums:
        lines += ["", missed.sentence()]
    if not plan.has_runs:
        add, imported = plan.add_runs_commands()
        lines += [
            "",
            f"{NO_RUNS} Add your runs to the calendar, for example",
            f"  {add}",
            f"or import your training plan: {imported}",
        ]
    return "\n".join(lines)


def day_card_text(day: DayCard) -> str:
    """One day's card (the ICS event's description)."""
    header = "projected" if day.projected else f"recommendation #{day.card.id}"
    return f"{header}\n\n{card_text(day.card)}"
