"""The calendar's flag syntax: ``DAY:KIND[@HH:MM]`` (weekly) and ``DATE:KIND[@HH:MM]`` (one-off).

Errors name the option and the value, so ``--weekly sun:long_rn`` says which part is wrong.
"""

from __future__ import annotations

import datetime as dt

from engine.contract.calendar import WEEKDAYS, CalendarEntry
from engine.contract.errors import Problem
from engine.contract.limits import EARLIEST_DATE, LATEST_DATE
from engine.contract.models import SESSION_KINDS


def _time(text: str, field: str, problems: list[Problem]) -> dt.time | None:
    hours, _, minutes = text.partition(":")
    if not (hours.isascii() and hours.isdigit() and minutes.isascii() and minutes.isdigit()):
        problems.append(Problem(f"'{text}' is not a time of day (HH:MM)", field=field))
        return None
    try:
        return dt.time(int(hours), int(minutes))
    except ValueError:
        problems.append(Problem(f"'{text}' is not a time of day (HH:MM)", field=field))
        return None


def _split(value: str, field: str, problems: list[Problem]) -> tuple[str, str, dt.time | None]:
    head, sep, kind_part = value.partition(":")
    if not sep or not kind_part:
        problems.append(Problem(f"'{value}' should look like WHEN:KIND[@HH:MM]", field=field))
        return "", "", None
    kind, at_sep, at_text = kind_part.partition("@")
    at = _time(at_text, field, problems) if at_sep else None
    if kind not in SESSION_KINDS:
        problems.append(
            Problem(
                f"unknown session kind '{kind}' (one of {', '.join(SESSION_KINDS)})", field=field
            )
        )
    return head.strip().lower(), kind, at


def parse_weekly(
    value: str, problems: list[Problem], field: str = "--weekly"
) -> CalendarEntry | None:
    before = len(problems)
    day, kind, at = _split(value, field, problems)
    if day and day not in WEEKDAYS:
        problems.append(Problem(f"unknown day '{day}' (one of {', '.join(WEEKDAYS)})", field=field))
        return None
    if len(problems) > before or not day:
        return None
    return CalendarEntry(rule="weekly", weekday=day, kind=kind, at=at)  # type: ignore[arg-type]


def _date(text: str, field: str, problems: list[Problem]) -> dt.date | None:
    try:
        if not text.isascii():
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        problems.append(Problem(f"'{text}' is not a date (YYYY-MM-DD)", field=field))
        return None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        problems.append(
            Problem(f"{day} is outside the range {EARLIEST_DATE} to {LATEST_DATE}", field=field)
        )
        return None
    return day


def parse_once(
    value: str, today: dt.date, problems: list[Problem], field: str = "--on"
) -> CalendarEntry | None:
    # The date contains no colon, so the first colon separates it from the kind.
    before = len(problems)
    day_text, kind, at = _split(value, field, problems)
    day = _date(day_text, field, problems) if day_text else None
    if day is not None and day < today:
        problems.append(Problem(f"{day} is in the past (today is {today})", field=field))
        return None
    if len(problems) > before or day is None:
        return None
    return CalendarEntry(rule="once", date=day, kind=kind, at=at)  # type: ignore[arg-type]


def parse_skip(
    value: str, today: dt.date, problems: list[Problem], field: str = "--skip"
) -> CalendarEntry | None:
    day = _date(value.strip(), field, problems)
    if day is not None and day < today:
        problems.append(Problem(f"{day} is in the past (today is {today})", field=field))
        return None
    return None if day is None else CalendarEntry(rule="skip", date=day)
