"""Repeating events: which ones stay a weekly entry, and the dated occurrences of the others.

The stored calendar knows three things: a weekly run (every week, from now on), a one-off run
and a skipped day. A repeat is a weekly entry only when it says exactly that: ``FREQ=WEEKLY``,
every week (no ``INTERVAL`` above 1), no end (``UNTIL``, ``COUNT``), no extra dates
(``RDATE``) and already started. Every other repeat (an end, a count, every other week, a
future start, daily or monthly ...) becomes its occurrences, as one-off runs, from today up to
a horizon, expanded by ``recurring-ical-events`` (RFC 5545 with ``EXDATE``, moved occurrences
and time zones; built on python-dateutil's rrule).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import recurring_ical_events
from icalendar import Calendar as ICalendar
from icalendar import Component

from engine.contract.errors import UserError

_FOLDED = re.compile(rb"\r?\n[ \t]")
_RULE_LINE = re.compile(rb"(?im)^(RRULE|EXRULE)([;:][^\r\n]*)")
_PLAIN_PARTS = {"FREQ", "BYDAY", "WKST", "INTERVAL"}


def normalise(data: bytes) -> bytes:
    """The file with its long lines unfolded and the spaces taken out of recurrence rules:
    Exchange writes ``BYDAY=MO, TU, WE``, which RFC 5545 does not allow and parsers refuse,
    though what it means is plain. A rule's value never holds a meaningful space."""
    unfolded = _FOLDED.sub(b"", data)
    return _RULE_LINE.sub(lambda m: m.group(1) + re.sub(rb"[ \t]", b"", m.group(2)), unfolded)


def is_recurring(event: Component) -> bool:
    return event.get("RRULE") is not None or event.get("RDATE") is not None


# Repeats more often than daily: no training plan has them, and expanding one from an early
# start walks millions of dates.
_SUB_DAILY = {"HOURLY", "MINUTELY", "SECONDLY"}


def unsupported_repeat(event: Component) -> str | None:
    """Why the event's repeat is refused, or None."""
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules]:
        if rule is None:
            continue
        freq = {str(f).upper() for f in rule.get("FREQ", [])}
        if freq & _SUB_DAILY:
            return f"repeats {', '.join(sorted(freq)).lower()}; a plan repeats daily at most"
        if "COUNT" in rule and "UNTIL" in rule:
            return "both COUNT and UNTIL: RFC 5545 allows one or the other"
        # INTERVAL=0 never moves on: python-dateutil would search for the next date for ever.
        intervals = [int(i) for i in rule.get("INTERVAL", [1])]
        if any(interval < 1 for interval in intervals):
            return f"INTERVAL={intervals[0]}: a repeat's interval is 1 or more"
    return None


def is_plain_weekly(event: Component, first_day: dt.date, today: dt.date) -> bool:
    """Every week, from a start already reached, for ever: what a weekly entry means."""
    rule = event.get("RRULE")
    if rule is None or isinstance(rule, list) or event.get("RDATE") is not None:
        return False
    if set(rule) - _PLAIN_PARTS or [str(f).upper() for f in rule.get("FREQ", [])] != ["WEEKLY"]:
        return False
    if [int(i) for i in rule.get("INTERVAL", [1])] != [1]:
        return False
    # "1MO" (the first Monday) is a monthly idea; a weekly BYDAY is a bare day.
    if any(len(str(day).strip()) != 2 for day in rule.get("BYDAY", [])):
        return False
    return first_day <= today


class TooManyOccurrences(UserError, ValueError):
    """A repeat with more dates before the horizon than any training plan has."""


def _day(value: Any) -> dt.date:
    day: dt.date = value.date() if isinstance(value, dt.datetime) else value
    return day


def occurrences(
    calendar: Component,
    series: Sequence[Component],
    start: dt.date,
    end: dt.date,
    limit: int,
) -> list[Component]:
    """The occurrences of one series (its master event and any moved occurrences) from
    ``start`` to ``end`` (exclusive), each an event with its own DTSTART and SUMMARY. More
    than ``limit`` of them is :class:`TooManyOccurrences`. The window bounds the expansion
    (repeats more often than daily are refused before, see :func:`unsupported_repeat`)."""
    alone = ICalendar()
    for zone in calendar.walk("VTIMEZONE"):
        alone.add_component(zone)
    for event in series:
        alone.add_component(event)
    # between() stops at the window's end even when a rule never matches (BYMONTHDAY=31 in a
    # short month, a BYSETPOS past the set), where after() would search to the year 9999.
    found: list[Component] = []
    for occurrence in recurring_ical_events.of(alone).between(start, end):
        occurrence_start: Any = occurrence.get("DTSTART")
        if occurrence_start is None or _day(occurrence_start.dt) >= end:
            continue
        found.append(occurrence)
        if len(found) > limit:
            raise TooManyOccurrences(
                f"repeats more than {limit} times before {end}; no training plan does"
            )
    return found
