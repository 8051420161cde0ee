"""iCalendar in and out.

In: a plan from a running app or a coach's calendar (VEVENTs; a weekly RRULE becomes a weekly
entry per BYDAY, anything else a one-off on its start date; EXDATEs become skipped days). Titles
map to session kinds through a small, documented word list (``title_kinds.yaml``); a title that
matches nothing is an error naming the event, since a guessed quality run would move strength
sessions around.

Out: the week plan as one event per training day, with the card in the description.
Parsing uses the ``icalendar`` library; nothing here reads files or the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from icalendar import Calendar as ICalendar
from icalendar import Component, Event

from engine.contract.calendar import WEEKDAYS, CalendarEntry
from engine.contract.errors import InputError, Problem
from engine.contract.models import SESSION_KINDS

_ICS_DAYS = {
    "MO": "mon",
    "TU": "tue",
    "WE": "wed",
    "TH": "thu",
    "FR": "fri",
    "SA": "sat",
    "SU": "sun",
}


def validate_mapping(data: Any, file: str) -> dict[str, list[str]]:
    """A title-to-kind mapping from YAML data, checked."""
    kinds = data.get("kinds") if isinstance(data, dict) else None
    if not isinstance(kinds, dict) or not kinds:
        raise InputError([Problem("expected a 'kinds' mapping of kind -> words", file=file)])
    problems: list[Problem] = []
    mapping: dict[str, list[str]] = {}
    for kind, words in kinds.items():
        if kind not in SESSION_KINDS:
            problems.append(
                Problem(f"unknown session kind '{kind}'", file=file, field=f"kinds.{kind}")
            )
        elif not isinstance(words, list) or not all(
            isinstance(w, str) and w.strip() for w in words
        ):
            problems.append(Problem("expected a list of words", file=file, field=f"kinds.{kind}"))
        else:
            mapping[kind] = [word.strip().lower() for word in words]
    if problems:
        raise InputError(problems)
    return mapping


def kind_for_title(title: str, mapping: Mapping[str, Sequence[str]]) -> str | None:
    text = title.lower()
    for kind, words in mapping.items():
        for word in words:
            if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text):
                return kind
    return None


def _day_and_time(value: Any) -> tuple[dt.date, dt.time | None]:
    if isinstance(value, dt.datetime):
        # A time zone-aware start is kept as the local wall time the athlete sees.
        return value.date(), value.time().replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, dt.date):
        return value, None
    raise ValueError(f"unsupported start {value!r}")


def parse_ics(data: bytes, file: str, mapping: Mapping[str, Sequence[str]]) -> list[CalendarEntry]:
    """Calendar entries from an iCalendar file's bytes; every problem names the event."""
    try:
        calendar = ICalendar.from_ical(data)
    except (ValueError, IndexError, KeyError, UnicodeDecodeError) as error:
        raise InputError([Problem(f"not a valid iCalendar file ({error})", file=file)]) from error
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise InputError([Problem("the file has no events (VEVENT)", file=file)])
    entries: list[CalendarEntry] = []
    problems: list[Problem] = []
    source = f"ics:{file.rsplit('/', 1)[-1]}"[:200]
    for number, event in enumerate(events, start=1):
        title = str(event.get("SUMMARY", "")).strip()
        where = f"event {number} ({title or 'no title'})"
        kind = kind_for_title(title, mapping)
        start = event.get("DTSTART")
        if kind is None:
            problems.append(
                Problem(f"no session kind matches the title '{title}'", file=file, field=where)
            )
            continue
        if start is None:
            problems.append(Problem("the event has no start (DTSTART)", file=file, field=where))
            continue
        try:
            day, at = _day_and_time(start.dt)
        except ValueError as error:
            problems.append(Problem(str(error), file=file, field=where))
            continue
        rrule = event.get("RRULE")
        if rrule is not None:
            freq = [str(item).upper() for item in rrule.get("FREQ", [])]
            if freq != ["WEEKLY"]:
                problems.append(
                    Problem(
                        f"only weekly repeats are supported (got {freq or 'none'})",
                        file=file,
                        field=where,
                    )
                )
                continue
            days = [str(item).upper()[-2:] for item in rrule.get("BYDAY", [])]
            weekdays = [_ICS_DAYS[d] for d in days if d in _ICS_DAYS] or [WEEKDAYS[day.weekday()]]
            for weekday in weekdays:
                entries.append(
                    CalendarEntry(rule="weekly", weekday=weekday, kind=kind, at=at, source=source)  # type: ignore[arg-type]
                )
            for exdate in _exdates(event):
                entries.append(CalendarEntry(rule="skip", date=exdate, source=source))
        else:
            entries.append(CalendarEntry(rule="once", date=day, kind=kind, at=at, source=source))  # type: ignore[arg-type]
    if problems:
        raise InputError(problems)
    return entries


def _exdates(event: Component) -> list[dt.date]:
    raw = event.get("EXDATE")
    if raw is None:
        return []
    groups = raw if isinstance(raw, list) else [raw]
    days: list[dt.date] = []
    for group in groups:
        for item in group.dts:
            value = item.dt
            days.append(value.date() if isinstance(value, dt.datetime) else value)
    return days


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
