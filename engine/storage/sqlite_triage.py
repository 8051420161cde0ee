"""The review queue (``review list``) on an SQLite file through Python's ``sqlite3``: the
statements of :mod:`engine.storage.triage`, as SQLAlchemy compiled them, run without importing
SQLAlchemy (a quarter of a second of CPU, the whole of the command's budget).

There is one query: the store builds the statements from a page's shape
(:class:`~engine.storage.triage_model.TriageShape`) and, after running them on an SQLite file,
keeps what SQLAlchemy compiled (the SQL text, its parameters in order, and how each result
column is converted) in the per-user cache (:mod:`engine.loading.owner_cache`: owner-only,
written atomically, ignored when anyone else could have written it), under a hash of the code
that builds and runs them, the schema revision, SQLAlchemy's and SQLite's versions. This reader
takes the statements only from there: SQL that this code compiled, never from elsewhere, with
every value a bound parameter (:func:`~engine.storage.triage_model.triage_parameters`).

It serves only what :func:`engine.storage.sqlite_reads.open_reads` serves (a private file at
the newest schema), and only the shapes found in the cache; anything else, or any doubt while
reading (:class:`~engine.storage.sqlite_reads.QuickReadFailed`), goes to the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import numbers
import sqlite3
import sys
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import engine
from engine.contract.calendar import CalendarEntry
from engine.loading import owner_cache
from engine.storage.calendar_values import calendar_entry
from engine.storage.location import HEAD_REVISION
from engine.storage.sqlite_reads import QuickReadFailed, open_reads
from engine.storage.triage_model import (
    DECIDED_COUNTS,
    MATCHING,
    PENDING_COUNTS,
    PER_ATHLETE,
    ROWS,
    TriageCounts,
    TriageRow,
    TriageScope,
    shape_of,
    triage_counts_of,
    triage_parameters,
    triage_row,
)

PREFIX = "triage-sql-"
# The cache keeps the statements of this many shapes (filters a coach combines); more would
# only be compiled again.
MAX_STATEMENTS = 256
# The modules whose code decides the SQL, its parameters or the conversion of its results.
_CODE = (
    "triage.py",
    "triage_model.py",
    "triage_columns.py",
    "sqlite_triage.py",
    "sqlite_reads.py",
    "calendar.py",
    "calendar_values.py",
    "schema.py",
    "location.py",
)
# How a result column is converted, as SQLAlchemy's SQLite types convert it.
CONVERSIONS = ("plain", "date", "json", "bool")
_POSTCOMPILE = "__[POSTCOMPILE_{}]"


def zones_key(athletes: bool) -> str:
    return f"zones/{int(athletes)}"


CALENDAR_KEY = "calendar"


def statements_key() -> str:
    """The cache name of the compiled statements: what they depend on, as one hash."""
    hasher = hashlib.sha256()
    owner_cache.hash_parts(
        hasher, (engine.__version__, sys.version, sqlite3.sqlite_version, HEAD_REVISION)
    )
    owner_cache.hash_files(hasher, Path(__file__).resolve().parent, _CODE)
    # SQLAlchemy's version (in its package's first file), without importing it.
    spec = importlib.util.find_spec("sqlalchemy")
    if spec is None or spec.origin is None:
        return ""
    hasher.update(Path(spec.origin).read_bytes())
    return PREFIX + hasher.hexdigest()


def compiled_statements() -> dict[str, Any]:
    """The cached statements (empty when there are none to trust)."""
    name = statements_key()
    cached = owner_cache.read(name) if name else None
    return cached if isinstance(cached, dict) else {}


def remember_statements(statements: Mapping[str, dict[str, Any]]) -> None:
    """Add statements that SQLAlchemy compiled (engine.storage.triage) to the cache."""
    name = statements_key()
    if not name:
        return
    known = compiled_statements()
    if all(known.get(key) == value for key, value in statements.items()):
        return
    merged = {**known, **statements}
    if len(merged) > MAX_STATEMENTS:
        merged = dict(statements)
    owner_cache.write(name, merged, PREFIX)


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise QuickReadFailed("cached statement damaged")
    return value


def _date(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _json(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, numbers.Number):  # SQLite's JSON functions return numbers as numbers
        return value
    return json.loads(value)


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


_CONVERT = {"date": _date, "json": _json, "bool": _bool}


class SqliteTriageReads:
    """The queue's reads of :mod:`engine.storage.triage`, with the same results."""

    def __init__(self, connection: sqlite3.Connection, statements: dict[str, Any]) -> None:
        self.connection = connection
        self.statements = statements

    def _run(self, key: str, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        entry = self.statements.get(key)
        if not isinstance(entry, dict) or not isinstance(entry.get("sql"), str):
            raise QuickReadFailed(f"no compiled statement for {key}")
        sql: str = entry["sql"]
        names, expanding = _strings(entry.get("names")), set(_strings(entry.get("expanding")))
        dates, columns = set(_strings(entry.get("dates"))), _strings(entry.get("columns"))
        constants = entry.get("constants")
        if not isinstance(constants, dict) or not set(columns) <= set(CONVERSIONS):
            raise QuickReadFailed("cached statement damaged")
        parameters: list[Any] = []
        for name in names:
            if name in expanding:
                items = constants[name] if name in constants else values.get(name)
                if not isinstance(items, list) or not items:
                    raise QuickReadFailed(f"{name}: an empty list is the store's to run")
                sql = sql.replace(_POSTCOMPILE.format(name), ", ".join("?" * len(items)), 1)
                parameters.extend(items)
            elif name in constants:
                parameters.append(constants[name])
            elif name in values:
                value = values[name]
                parameters.append(value.isoformat() if name in dates else value)
            else:
                raise QuickReadFailed(f"no value for {name}")
        try:
            rows = self.connection.execute(sql, parameters).fetchall()
            converters = [_CONVERT.get(tag) for tag in columns]
            return [
                tuple(
                    convert(value) if convert is not None else value
                    for convert, value in zip(converters, row, strict=True)
                )
                for row in rows
            ]
        except (sqlite3.Error, ValueError, TypeError) as error:
            raise QuickReadFailed(str(error)) from error

    def zones(self, athletes: Collection[str] | None) -> set[str | None]:
        values = {} if athletes is None else {"athletes": list(athletes)}
        return {row[0] for row in self._run(zones_key(athletes is not None), values)}

    def rows(
        self, scope: TriageScope, status: str, flag: str | None, limit: int, offset: int
    ) -> list[TriageRow]:
        shape, _ = shape_of(scope, status, flag)
        values = triage_parameters(scope, status, limit, offset)
        return [triage_row(row) for row in self._run(f"{shape.key}/{ROWS}", values)]

    def counts(self, scope: TriageScope, status: str, flag: str | None) -> TriageCounts:
        shape, matching = shape_of(scope, status, flag)
        values = triage_parameters(scope, status)

        def run(name: str) -> list[tuple[Any, ...]]:
            return self._run(f"{shape.key}/{name}", values)

        matched = run(MATCHING)[0][0] if matching else None
        return triage_counts_of(
            status, run(PENDING_COUNTS), run(DECIDED_COUNTS), run(PER_ATHLETE), matched
        )

    def calendars(self, athlete_ids: list[str]) -> dict[str, list[CalendarEntry]]:
        found: dict[str, list[CalendarEntry]] = {athlete_id: [] for athlete_id in athlete_ids}
        if not athlete_ids:
            return found
        for athlete_id, *values in self._run(CALENDAR_KEY, {"athletes": athlete_ids}):
            try:
                found[athlete_id].append(calendar_entry(*values))
            except (ValueError, KeyError) as error:  # pydantic's ValidationError is a ValueError
                raise QuickReadFailed(str(error)) from error
        return found

    def close(self) -> None:
        self.connection.close()


def open_triage_reads(url: str | None) -> SqliteTriageReads | None:
    """The quick reader of the queue on the database at ``url``, or None when the store must
    read it: not a file the quick reader serves, or no compiled statements cached yet."""
    statements = compiled_statements()
    if not statements:
        return None
    reads = open_reads(url)
    if reads is None:
        return None
    return SqliteTriageReads(reads.connection, statements)
