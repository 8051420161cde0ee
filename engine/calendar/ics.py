"""iCalendar in and out.

In: a plan from a running app or a coach's calendar (VEVENTs). A plain weekly repeat becomes a
weekly entry per BYDAY (its EXDATEs skipped days); any other repeat its dated occurrences from
today up to a horizon, as one-off runs (:mod:`engine.calendar.recurrence`); an event without a
repeat a one-off. Times with a zone are converted to the athlete's wall time. Titles map to
session kinds through ordered, documented rules (:mod:`engine.calendar.titles`); a title that
matches nothing is an error naming the event (a guessed quality run would move strength
sessions around), unless the caller asks to leave such events out, which are then counted.

Out: the week plan as one event per training day, with the card in the description.
Parsing uses the ``icalendar`` library; nothing here reads files or the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from icalendar import Calendar as ICalendar
from icalendar import Component, Event
from pydantic import ValidationError

from engine.calendar.recurrence import (
    is_plain_weekly,
    is_recurring,
    normalise,
    occurrences,
    unsupported_repeat,
)
from engine.calendar.titles import SKIP, TitleRule, kind_for_title
from engine.contract.calendar import WEEKDAYS, CalendarEntry
from engine.contract.errors import InputError, Problem
from engine.contract.limits import (
    CALENDAR_HORIZON_DAYS,
    CALENDAR_MAX_OCCURRENCES,
    EARLIEST_DATE,
    LATEST_DATE,
)

_ICS_DAYS = {
    "MO": "mon",
    "TU": "tue",
    "WE": "wed",
    "TH": "thu",
    "FR": "fri",
    "SA": "sat",
    "SU": "sun",
}


@dataclass(frozen=True)
class IcsPlan:
    """What a file gives: the entries to store, and the events left out and why."""

    entries: list[CalendarEntry]
    left_out: list[str] = field(default_factory=list)


@dataclass
class _Reading:
    file: str
    rules: tuple[TitleRule, ...]
    zone: dt.tzinfo | None
    today: dt.date
    skip_unmapped: bool
    source: str
    entries: list[CalendarEntry] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def kind(self, title: str, where: str) -> str | None:
        """The title's kind; None (and the event noted as left out, or refused) otherwise."""
        kind = kind_for_title(title, self.rules)
        if kind == SKIP:
            self.left_out.append(f"{where}: a skip rule matches the title")
            return None
        if kind is None:
            if self.skip_unmapped:
                self.left_out.append(f"{where}: no session kind matches the title")
            else:
                self.problems.append(
                    Problem(
                        f"no session kind matches the title '{title}' (add it to a --mapping "
                        "file, or leave such events out with --skip-unmapped)",
                        file=self.file,
                        field=where,
                    )
                )
        return kind

    def add(self, where: str, **values: Any) -> None:
        try:
            self.entries.append(CalendarEntry(source=self.source, **values))
        except ValidationError as error:
            details = "; ".join(str(item["msg"]) for item in error.errors())
            self.problems.append(Problem(details, file=self.file, field=where))


def local(value: Any, zone: dt.tzinfo | None) -> tuple[dt.date, dt.time | None]:
    """The day and wall time the athlete sees: a time with a zone (``...Z`` as Google writes
    it, or a TZID) is converted to ``zone`` (None: this computer's zone, by its rules on that
    day); a floating time is already wall time; a date has no time."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone)
        return value.date(), value.time().replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, dt.date):
        return value, None
    raise ValueError(f"unsupported start {value!r}")


def parse_ics(
    data: bytes,
    file: str,
    rules: tuple[TitleRule, ...],
    today: dt.date,
    zone: dt.tzinfo | None = None,
    skip_unmapped: bool = False,
) -> IcsPlan:
    """Calendar entries from an iCalendar file's bytes; every problem names the event."""
    try:
        calendar = ICalendar.from_ical(normalise(data))
    except (ValueError, IndexError, KeyError, UnicodeDecodeError) as error:
        raise InputError([Problem(f"not a valid iCalendar file ({error})", file=file)]) from error
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise InputError([Problem("the file has no events (VEVENT)", file=file)])
    reading = _Reading(
        file, rules, zone, today, skip_unmapped, f"ics:{file.rsplit('/', 1)[-1]}"[:200]
    )
    masters = {
        str(event.get("UID"))
        for event in events
        if event.get("RECURRENCE-ID") is None and event.get("UID")
    }
    for number, event in enumerate(events, start=1):
        title = str(event.get("SUMMARY", "")).strip()
        where = f"event {number} ({title or 'no title'})"
        moved = event.get("RECURRENCE-ID") is not None and str(event.get("UID")) in masters
        if moved:
            continue  # expanded with its series (a weekly entry keeps its weekday)
        try:
            _event(reading, calendar, events, event, title, where)
        except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
            # A broken property (a bad date, a rule icalendar cannot read) names its event.
            reading.problems.append(Problem(f"cannot be read ({error})", file=file, field=where))
    if reading.problems:
        raise InputError(reading.problems)
    return IcsPlan(reading.entries, reading.left_out)


def _event(
    reading: _Reading,
    calendar: Component,
    events: list[Component],
    event: Component,
    title: str,
    where: str,
) -> None:
    start = event.get("DTSTART")
    if start is None:
        reading.problems.append(
            Problem("the event has no start (DTSTART)", file=reading.file, field=where)
        )
        return
    day, at = local(start.dt, reading.zone)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        reading.problems.append(
            Problem(
                f"starts {day}, outside {EARLIEST_DATE} to {LATEST_DATE}",
                file=reading.file,
                field=where,
            )
        )
        return
    refused = unsupported_repeat(event)
    if refused is not None:
        reading.problems.append(Problem(refused, file=reading.file, field=where))
        return
    if not is_recurring(event):
        kind = reading.kind(title, where)
        if kind is not None:
            reading.add(where, rule="once", date=day, kind=kind, at=at)
        return
    if is_plain_weekly(event, day, reading.today):
        kind = reading.kind(title, where)
        if kind is None:
            return
        # A zone change can move the day: 23:30 UTC on a Monday is Tuesday in Paris.
        shift = (day - start.dt.date()).days if isinstance(start.dt, dt.datetime) else 0
        rule: Any = event.get("RRULE")
        days = [str(item).strip().upper()[-2:] for item in rule.get("BYDAY", [])]
        weekdays = [
            WEEKDAYS[(list(_ICS_DAYS).index(d) + shift) % 7] for d in days if d in _ICS_DAYS
        ] or [WEEKDAYS[day.weekday()]]
        for weekday in weekdays:
            reading.add(where, rule="weekly", weekday=weekday, kind=kind, at=at)
        for exdate in _exdates(event, reading.zone):
            reading.add(where, rule="skip", date=exdate)
        return
    uid = event.get("UID")
    series = [event] + [
        other
        for other in events
        if uid is not None and other.get("RECURRENCE-ID") is not None and other.get("UID") == uid
    ]
    end = reading.today + dt.timedelta(days=CALENDAR_HORIZON_DAYS)
    found = False
    for occurrence in occurrences(calendar, series, reading.today, end, CALENDAR_MAX_OCCURRENCES):
        occurrence_start: Any = occurrence.get("DTSTART")
        when, time_of_day = local(occurrence_start.dt, reading.zone)
        if not reading.today <= when < end:
            continue
        found = True
        name = str(occurrence.get("SUMMARY", "")).strip()
        kind = reading.kind(name, f"{where} on {when}")
        if kind is not None:
            reading.add(where, rule="once", date=when, kind=kind, at=time_of_day)
    if not found:
        reading.left_out.append(f"{where}: no occurrence from {reading.today} to {end}")


def _exdates(event: Component, zone: dt.tzinfo | None) -> list[dt.date]:
    raw = event.get("EXDATE")
    if raw is None:
        return []
    groups = raw if isinstance(raw, list) else [raw]
    return [local(item.dt, zone)[0] for group in groups for item in group.dts]


def export_ics(events: Sequence[tuple[dt.date, str, str, str]], product: str) -> bytes:
    """One all-day event per ``(day, uid, title, description)``."""
    calendar = ICalendar()
    calendar.add("prodid", product)
    calendar.add("version", "2.0")
    for day, uid, title, description in events:
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC))
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", title)
        event.add("description", description)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
