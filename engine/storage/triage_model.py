"""The review queue's query, in the part that needs no SQLAlchemy: what a page covers
(:class:`TriageScope`), which statements it takes (:class:`TriageShape`), the values those
statements are run with (:func:`triage_parameters`), and what their rows become.

The statements themselves are built once, with SQLAlchemy, in :mod:`engine.storage.triage`,
from the shape alone: every value that changes from one page to the next (each zone's today,
the gate, the filters, the paging) is a named parameter given here. So the store runs them
with these values, and the quick reader (:mod:`engine.storage.sqlite_triage`) runs the same
statements, compiled by SQLAlchemy and cached, with the same values, without importing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.storage.triage_columns import BITS

LAPSED = "lapsed"
ALL = "all"
# Flags a list can be narrowed to: the attention bits, readiness below the gate, or any.
FLAGS = (*BITS, "readiness", "attention")
DECIDED = ("approved", "amended", "rejected")


@dataclass(frozen=True)
class TriageScope:
    """Which recommendations, as of when: ``athletes`` is the coach's access (None: every
    athlete, the CLI's), ``today`` the date in each athlete time zone in scope (None: the
    server's zone), ``gate`` the readiness gate (recovery % below it needs attention)."""

    today: Mapping[str | None, dt.date]
    gate: int
    athletes: Collection[str] | None = None
    athlete_id: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class TriageRow:
    id: int
    athlete_id: str
    date: dt.date
    status: str  # as the coach reads it: pending, lapsed, approved ...
    session_kind: str
    session_program: str | None
    session_intensity: str
    checkin: dict[str, Any]
    upcoming: list[Any]
    attention: int
    progressions: list[dict[str, Any]]
    load_changes: list[dict[str, Any]]


@dataclass(frozen=True)
class TriageCounts:
    """What the top of the queue says: how many are pending (and of those, how many need
    attention), lapsed, and decided, and the pending ones per athlete."""

    pending: int
    attention: int
    lapsed: int
    decided: dict[str, int]
    per_athlete: dict[str, int]
    matching: int  # rows of the list shown (its status and flag), over all pages


@dataclass(frozen=True)
class TriageShape:
    """What decides the statements' SQL (never their values): the list asked for, the flag,
    how many named time zones the athletes in scope have, and which filters are present."""

    status: str  # pending | lapsed | all | decided (one decided status, given as a value)
    flag: str | None
    zones: int
    athletes: bool
    athlete_id: bool
    since: bool
    until: bool

    @property
    def key(self) -> str:
        """The shape as text, to key the compiled statements by."""
        flags = (self.athletes, self.athlete_id, self.since, self.until)
        return ":".join(
            (self.status, self.flag or "-", str(self.zones), "".join("01"[on] for on in flags))
        )


# The statements of one page, by name: the page, and the counts above it.
ROWS, PENDING_COUNTS, DECIDED_COUNTS, PER_ATHLETE, MATCHING = (
    "rows",
    "pending_counts",
    "decided_counts",
    "per_athlete",
    "matching",
)


def shape_of(scope: TriageScope, status: str, flag: str | None) -> tuple[TriageShape, bool]:
    """The shape of a page, and whether it has a ``matching`` count of its own (the pending
    and lapsed lists take theirs from the pending counts)."""
    listed = status if status in ("pending", LAPSED, ALL) else "decided"
    return (
        TriageShape(
            status=listed,
            flag=flag,
            zones=sum(1 for zone in scope.today if zone is not None),
            athletes=scope.athletes is not None,
            athlete_id=scope.athlete_id is not None,
            since=scope.since is not None,
            until=scope.until is not None,
        ),
        status not in ("pending", LAPSED),
    )


def server_today(scope: TriageScope) -> dt.date:
    """The today of an athlete without a time zone (the server's)."""
    return scope.today.get(None, min(scope.today.values(), default=dt.date.today()))


def triage_parameters(
    scope: TriageScope, status: str, limit: int = 0, offset: int = 0
) -> dict[str, Any]:
    """The values of the statements' named parameters, the same for the store and the quick
    reader: zone ``i`` and its today (in the order of ``scope.today``), the server's today,
    the earliest and latest today, the gate, the status, the filters and the paging."""
    values: dict[str, Any] = {
        "server_today": server_today(scope),
        "earliest": min(scope.today.values()),
        "latest": max(scope.today.values()),
        "gate": scope.gate,
        "status": status,
        "limit": limit,
        "offset": offset,
    }
    zones = [(zone, day) for zone, day in scope.today.items() if zone is not None]
    for index, (zone, day) in enumerate(zones):
        values[f"zone_{index}"] = zone
        values[f"today_{index}"] = day
    if scope.athletes is not None:
        values["athletes"] = list(scope.athletes)
    if scope.athlete_id is not None:
        values["athlete_id"] = scope.athlete_id
    if scope.since is not None:
        values["since"] = scope.since
    if scope.until is not None:
        values["until"] = scope.until
    return values


def triage_row(row: Sequence[Any]) -> TriageRow:
    """A row of the page statement (its columns converted as SQLAlchemy converts them)."""
    return TriageRow(
        id=row[0],
        athlete_id=row[1],
        date=row[2],
        status=row[3],
        session_kind=row[4],
        session_program=row[5],
        session_intensity=row[6],
        checkin=dict(row[7] or {}),
        upcoming=list(row[8] or []),
        attention=int(row[9] or 0),
        progressions=list(row[10] or []),
        load_changes=list(row[11] or []),
    )


def triage_counts_of(
    status: str,
    pending_rows: Sequence[Sequence[Any]],
    decided_rows: Sequence[Sequence[Any]],
    per_athlete: Sequence[Sequence[Any]],
    matching: int | None,
) -> TriageCounts:
    """The counts from the rows of the count statements."""
    pending = attention = lapsed = 0
    shown = {False: 0, True: 0}
    for is_past, count, needing, flagged_count in pending_rows:
        shown[bool(is_past)] = int(flagged_count or 0)
        if is_past:
            lapsed = int(count)
        else:
            pending, attention = int(count), int(needing or 0)
    return TriageCounts(
        pending=pending,
        attention=attention,
        lapsed=lapsed,
        decided={row_status: int(count) for row_status, count in decided_rows},
        per_athlete={athlete: int(count) for athlete, count in per_athlete},
        matching=int(matching) if matching is not None else shown[status == LAPSED],
    )
