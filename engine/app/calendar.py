"""The running calendar as use cases: add, list, remove, import an iCalendar plan, and what a
check-in reads from it (the upcoming runs and the day's planned kind)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from engine.calendar.expand import kind_on, runs_between, week_lookahead_days
from engine.calendar.spec import parse_once, parse_skip, parse_weekly
from engine.contract.calendar import Calendar, CalendarEntry
from engine.contract.errors import InputError, Problem
from engine.contract.models import PlannedRun
from engine.loading.yamlio import load_yaml_text
from engine.storage import calendar as rows
from engine.storage.store import Store

if TYPE_CHECKING:
    from engine.calendar.titles import TitleRule
    from engine.core.evaluator import Evaluator

# ICS files from running apps are small; anything far larger is not a training plan.
MAX_ICS_BYTES = 5_000_000


def add(
    store: Store,
    athlete_id: str,
    weekly: list[str],
    once: list[str],
    skip: list[str],
    today: dt.date,
) -> Calendar:
    """Parse every flag first, then store them all in one transaction (or nothing)."""
    problems: list[Problem] = []
    parsed: list[CalendarEntry | None] = [parse_weekly(value, problems) for value in weekly]
    parsed += [parse_once(value, today, problems) for value in once]
    parsed += [parse_skip(value, today, problems) for value in skip]
    if problems:
        raise InputError(problems)
    entries = [entry for entry in parsed if entry is not None]
    if not entries:
        raise InputError([Problem("give at least one --weekly, --on or --skip", field="calendar")])
    rows.add_entries(store, athlete_id, entries)
    return calendar(store, athlete_id)


def calendar(store: Store, athlete_id: str) -> Calendar:
    return Calendar(athlete=athlete_id, entries=rows.entries(store, athlete_id))


def remove(store: Store, athlete_id: str, entry_ids: list[int]) -> Calendar:
    if not entry_ids:
        raise InputError(
            [Problem("name the entries to remove (ids from 'calendar list')", field="ID")]
        )
    rows.remove_entries(store, athlete_id, entry_ids)
    return calendar(store, athlete_id)


def default_title_rules() -> tuple[TitleRule, ...]:
    # The ICS module (and icalendar) load only when a calendar file is read: the check-in and
    # the review queue read the calendar's rows and should not pay for the parser.
    from engine.calendar.titles import validate_rules

    text = resources.files("engine.calendar").joinpath("title_kinds.yaml").read_text("utf-8")
    return validate_rules(load_yaml_text(text, "title_kinds.yaml").data, "title_kinds.yaml")


@dataclass(frozen=True)
class IcsImport:
    calendar: Calendar
    added: int  # entries that were new
    left_out: list[str]  # events not imported, each with why


def import_ics(
    store: Store,
    athlete_id: str,
    path: Path,
    today: dt.date,
    mapping_path: Path | None = None,
    zone: dt.tzinfo | None = None,
    skip_unmapped: bool = False,
) -> IcsImport:
    """Entries from an .ics file (all or none); ``zone`` is the athlete's (None: this
    computer's); ``skip_unmapped`` leaves out the events no title rule maps, counted."""
    from engine.calendar.ics import parse_ics  # see default_title_rules
    from engine.calendar.titles import validate_rules

    name = str(path)
    if mapping_path is not None:
        mapping_text = _read_text(mapping_path)
        located = load_yaml_text(mapping_text, str(mapping_path))
        rules = validate_rules(located.data, str(mapping_path))
    else:
        rules = default_title_rules()
    try:
        if path.stat().st_size > MAX_ICS_BYTES:
            raise InputError([Problem(f"file is over the {MAX_ICS_BYTES}-byte limit", file=name)])
        with path.open("rb") as stream:  # bounded: a device or a growing file has no size
            data = stream.read(MAX_ICS_BYTES + 1)
        if len(data) > MAX_ICS_BYTES:
            raise InputError([Problem(f"file is over the {MAX_ICS_BYTES}-byte limit", file=name)])
    except OSError as error:
        raise InputError(
            [Problem(f"cannot read the file ({error.strerror})", file=name)]
        ) from error
    plan = parse_ics(data, name, rules, today, zone, skip_unmapped)
    before = {entry.id for entry in rows.entries(store, athlete_id)}
    ids = rows.add_entries(store, athlete_id, plan.entries) if plan.entries else []
    return IcsImport(calendar(store, athlete_id), len(set(ids) - before), plan.left_out)


def _read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError([Problem(f"cannot read the file ({error})", file=str(path))]) from error


def upcoming_runs(
    store: Store, evaluator: Evaluator, athlete_id: str, day: dt.date
) -> list[PlannedRun]:
    """The calendar's runs from ``day`` through the look-ahead."""
    end = day + dt.timedelta(days=week_lookahead_days(evaluator.ruleset.engine_settings))
    return runs_between(rows.entries(store, athlete_id), day, end)


def planned_kind(store: Store, athlete_id: str, day: dt.date) -> str | None:
    return kind_on(rows.entries(store, athlete_id), day)
