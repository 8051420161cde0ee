"""The coach's morning: the review queue as a triage, one view model for ``review list`` and
``/review``.

Today and tomorrow first, what needs attention first within a day (pain, readiness below the
gate, a ladder or load move to approve, the athlete's plan overridden, a calendar change since
the check-in); past days nobody reviewed are ``lapsed`` (engine.storage.triage). Each row says
who, the readiness in numbers, the session in words and the flags; the counts sit on top. A
page costs the same whatever the size of the database: the coach's access, the filters, the
order and the paging are in the query, and the calendar is read once per page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, computed_field

import engine
from engine.app.athlete_zone import today_in, zone_named
from engine.app.words import area_words, intensity_words, kind_words
from engine.calendar.expand import runs_moved
from engine.contract.formatting import fmt_value
from engine.loading import owner_cache
from engine.loading.paths import resolved, rules_dir
from engine.storage.triage_columns import OVERRIDE
from engine.storage.triage_model import (
    ALL,
    FLAGS,
    LAPSED,
    TriageCounts,
    TriageRow,
    TriageScope,
)

if TYPE_CHECKING:  # the store is imported when used: the quick reader needs no SQLAlchemy
    from engine.contract.calendar import CalendarEntry
    from engine.rulebook.engine_settings import EngineSettings
    from engine.storage.store import Store

# The statuses a coach lists by: the pending queue, the lapsed days, the decided, or all.
TRIAGE_STATUSES = ("pending", LAPSED, "approved", "amended", "rejected", ALL)
TRIAGE_FLAGS = FLAGS


def _words(entity_id: str) -> str:
    return entity_id.replace("_", " ")


class TriageItem(BaseModel):
    """One row of the triage; its JSON (``review list --format json`` and the API's
    ``GET /api/recommendations``) is this model's, so the two cannot drift apart."""

    model_config = ConfigDict(frozen=True)

    id: int
    athlete_id: str = Field(serialization_alias="athlete")
    date: dt.date
    status: str
    readiness: str = Field(description="the check-in in numbers")
    session: str = Field(description="the session in words")
    flags: list[str] = Field(description="what needs attention, in words")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def attention(self) -> bool:
        return bool(self.flags)

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    @property
    def one_click(self) -> bool:
        """Approvable in one click: pending, with nothing a coach should look at first."""
        return self.status == "pending" and not self.flags


@dataclass(frozen=True)
class TriagePage:
    items: list[TriageItem]
    counts: TriageCounts
    status: str
    flag: str | None
    athlete_id: str | None
    limit: int
    offset: int
    today: dt.date

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.items)
        return end if end < self.counts.matching else None


def readiness_words(checkin: Mapping[str, Any]) -> str:
    parts = []
    if checkin.get("recovery_pct") is not None:
        parts.append(f"recovery {checkin['recovery_pct']}%")
    if checkin.get("soreness") is not None:
        parts.append(f"soreness {checkin['soreness']}/10")
    if checkin.get("life_stress") is not None:
        parts.append(f"stress {checkin['life_stress']}/10")
    if checkin.get("slept_well") is not None:
        parts.append("slept well" if checkin["slept_well"] else "slept badly")
    return ", ".join(parts)


def session_words(
    kind: str, program: str | None, intensity: str, name: Callable[[str], str] = _words
) -> str:
    text = kind_words(kind)
    if program:
        text += f": {name(program)}"
    return f"{text} ({intensity_words(intensity)})"


def _flags(row: TriageRow, gate: int, moved: list[str], name: Callable[[str], str]) -> list[str]:
    checkin = row.checkin
    flags = [
        f"pain: {area_words(str(item.get('area', '')))} {item.get('severity', '?')}/10"
        for item in checkin.get("pain") or []
    ]
    recovery = checkin.get("recovery_pct")
    if recovery is not None and recovery < gate:
        flags.append(f"readiness: recovery {recovery}% (gate {gate}%)")
    flags += [
        f"ladder: {name(str(item.get('ladder')))} {item.get('action')}"
        for item in row.progressions
        if item.get("action") in {"advance", "regress"}
    ]
    flags += [
        f"load: {item.get('name') or name(str(item.get('exercise')))} "
        f"{fmt_value(item.get('from_kg'))} to {fmt_value(item.get('to_kg'))} kg"
        for item in row.load_changes
        if item.get("needs_approval")
    ]
    if row.attention & OVERRIDE and checkin.get("planned"):
        flags.append(
            f"plan changed: {kind_words(str(checkin['planned']))} to {kind_words(row.session_kind)}"
        )
    if moved:
        flags.append(f"calendar changed: {', '.join(moved)}")
    return flags


@dataclass(frozen=True)
class TriageSettings:
    """The two settings the queue reads: the readiness gate (a recovery % below it needs
    attention) and how many days of runs the calendar check compares (run_gap_days)."""

    gate: int
    run_gap_days: int

    @classmethod
    def of(cls, settings: EngineSettings | TriageSettings) -> TriageSettings:
        if isinstance(settings, TriageSettings):
            return settings
        from engine.calendar.expand import run_gap_days

        return cls(settings.hiit.readiness_min_pct, run_gap_days(settings))


SETTINGS_PREFIX = "triage-settings-"
# What the two numbers are read and derived with (besides the settings file itself).
_SETTINGS_CODE = ("rulebook", "calendar", "contract", "loading")


def triage_settings(rules_root: Path | None = None) -> TriageSettings:
    """The queue's settings from a rule directory's settings file, checked as the rule set
    checks it; from the per-user cache when the file and the code that reads it are
    unchanged, as two numbers (reading the file imports the YAML parser and the rule set's
    checks, which cost ``review list`` more than its queries)."""
    root = resolved(rules_root or rules_dir())
    hasher = hashlib.sha256((engine.__version__ + "\0" + str(root) + "\0").encode())
    code = Path(engine.__file__).resolve().parent
    for package in _SETTINGS_CODE:
        for path in sorted((code / package).rglob("*.py")):
            hasher.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        hasher.update((root / "settings.yaml").read_bytes())
    except OSError:
        hasher.update(b"missing")  # the load below names the problem
    name = SETTINGS_PREFIX + hasher.hexdigest()
    cached = owner_cache.read(name)
    if isinstance(cached, tuple) and len(cached) == 2 and all(type(n) is int for n in cached):
        return TriageSettings(cached[0], cached[1])
    from engine.rulebook.ruleset import load_engine_settings

    settings = TriageSettings.of(load_engine_settings(root))
    owner_cache.write(name, (settings.gate, settings.run_gap_days), SETTINGS_PREFIX)
    return settings


@runtime_checkable
class TriageReads(Protocol):
    """The queue's reads: the store's (engine.storage.triage), or the quick SQLite reader's
    (engine.storage.sqlite_triage), which runs the same statements without SQLAlchemy."""

    def zones(self, athletes: Collection[str] | None) -> set[str | None]: ...

    def rows(
        self, scope: TriageScope, status: str, flag: str | None, limit: int, offset: int
    ) -> list[TriageRow]: ...

    def counts(self, scope: TriageScope, status: str, flag: str | None) -> TriageCounts: ...

    def calendars(self, athlete_ids: list[str]) -> dict[str, list[CalendarEntry]]: ...


def triage_reads(source: Store | TriageReads) -> TriageReads:
    if isinstance(source, TriageReads):
        return source
    from engine.storage.triage import StoreTriageReads

    return StoreTriageReads(source)


def scope_for(
    store: Store | TriageReads,
    settings: EngineSettings | TriageSettings,
    athletes: Collection[str] | None,
    athlete_id: str | None,
    now: dt.datetime | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> TriageScope:
    """What the queue covers as of ``now``: each athlete's today in their own time zone."""
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    zones = triage_reads(store).zones(athletes if athlete_id is None else [athlete_id])
    return TriageScope(
        today={zone: today_in(zone_named(zone), moment) for zone in zones | {None}},
        # The readiness flag compares the check-in's recovery with the HIIT gate.
        gate=TriageSettings.of(settings).gate,
        athletes=athletes,
        athlete_id=athlete_id,
        since=since,
        until=until,
    )


def triage(
    store: Store | TriageReads,
    settings: EngineSettings | TriageSettings,
    status: str = "pending",
    flag: str | None = None,
    athletes: Collection[str] | None = None,
    athlete_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
    now: dt.datetime | None = None,
    name: Callable[[str], str] = _words,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> TriagePage:
    """One page of the queue in triage order, with the counts. ``athletes``: the coach's
    access (None: every athlete); ``name``: knowledge-base ids as names, when the caller has
    the knowledge base at hand (the CLI reads ids as words rather than load it)."""
    reads = triage_reads(store)
    numbers = TriageSettings.of(settings)
    scope = scope_for(reads, numbers, athletes, athlete_id, now, since, until)
    rows = reads.rows(scope, status, flag, limit, offset)
    # One calendar read for the page: a run moved since the check-in needs a look.
    calendars = reads.calendars(sorted({row.athlete_id for row in rows}))
    items = [
        TriageItem(
            id=row.id,
            athlete_id=row.athlete_id,
            date=row.date,
            status=row.status,
            readiness=readiness_words(row.checkin),
            session=session_words(
                row.session_kind, row.session_program, row.session_intensity, name
            ),
            flags=_flags(
                row,
                scope.gate,
                runs_moved(
                    calendars.get(row.athlete_id, []), numbers.run_gap_days, row.date, row.upcoming
                ),
                name,
            ),
        )
        for row in rows
    ]
    if status == "pending":
        # A calendar change is only known per page: it moves its row up within its day.
        items.sort(key=lambda item: (item.date, not item.attention))
    return TriagePage(
        items=items,
        counts=reads.counts(scope, status, flag),
        status=status,
        flag=flag,
        athlete_id=athlete_id,
        limit=limit,
        offset=offset,
        today=scope.today[None],
    )


def database_triage(
    db_url: str | None,
    open_store: Callable[[], Store],
    rules_root: Path | None,
    status: str = "pending",
    flag: str | None = None,
    athlete_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> TriagePage:
    """A page of the whole queue (``review list``): through the quick SQLite reader when it
    can serve (engine.storage.sqlite_triage), else (or when a read there fails: the store then
    names what is wrong) through the store, which then keeps the page's compiled statements
    for the quick reader of the next command."""
    from engine.storage.sqlite_reads import QuickReadFailed
    from engine.storage.sqlite_triage import open_triage_reads

    def page(source: Store | TriageReads, settings: TriageSettings) -> TriagePage:
        return triage(
            source,
            settings,
            status,
            flag,
            athlete_id=athlete_id,
            limit=limit,
            offset=offset,
            since=since,
            until=until,
        )

    quick = open_triage_reads(db_url)
    if quick is not None:
        try:
            return page(quick, triage_settings(rules_root))
        except QuickReadFailed:
            pass
        finally:
            quick.close()
    store = open_store()
    settings = triage_settings(rules_root)
    shown = page(store, settings)
    from engine.storage.triage import remember_statements

    scope = scope_for(store, settings, None, athlete_id, since=since, until=until)
    remember_statements(store, scope, status, flag)
    return shown
