"""The session log: record a completed session, list, show, edit and delete one.

An edit stores a new version and keeps the old one (superseded); a delete keeps the row
(deleted); neither ever overwrites what was logged. The engine sees only current versions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from engine.contract.errors import InputError, Problem
from engine.contract.models import SessionLog
from engine.knowledge.base import KnowledgeBase
from engine.loading.yamlio import problems_from_validation
from engine.storage.store import Store, StoredLog

__all__ = ["StoredLog", "delete_log", "edit_log", "get_log", "list_logs", "log_session"]


def validated_log(data: dict[str, Any], kb: KnowledgeBase, today: dt.date) -> SessionLog:
    """A session log from its fields, checked against the knowledge base; never a future day."""
    try:
        log = SessionLog.model_validate(data, context={"kb": kb})
    except ValidationError as error:
        raise InputError(problems_from_validation(error, None)) from error
    if log.date > today:
        raise InputError([Problem(f"{log.date} is in the future (today is {today})", field="date")])
    return log


def log_session(
    store: Store,
    kb: KnowledgeBase,
    athlete_id: str,
    data: dict[str, Any],
    again: bool = False,
    today: dt.date | None = None,
) -> tuple[int, SessionLog]:
    """Record a completed session; an identical one that day is refused unless ``again``."""
    log = validated_log(data, kb, today or dt.date.today())
    return store.log_session(athlete_id, log, again=again), log


def list_logs(
    store: Store,
    athlete_id: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    include_old: bool = False,
) -> list[StoredLog]:
    return store.logs(athlete_id, since=since, until=until, include_old=include_old)


def get_log(store: Store, log_id: int, athlete_id: str | None = None) -> StoredLog:
    """Log ``log_id``; with ``athlete_id``, only if it is that athlete's (log ids are shared
    by every athlete in the database, so a mistyped id must not reach another's log)."""
    stored = store.get_log(log_id)
    if athlete_id is not None and stored.athlete_id != athlete_id:
        raise InputError([Problem(f"session log #{log_id} is not {athlete_id}'s", field="LOG_ID")])
    return stored


def edit_log(
    store: Store,
    kb: KnowledgeBase,
    log_id: int,
    changes: dict[str, Any],
    today: dt.date | None = None,
    athlete_id: str | None = None,
) -> tuple[int, SessionLog]:
    """A new version of log ``log_id`` with ``changes`` over its fields; the old one is kept.
    With ``athlete_id``, the log must be that athlete's."""
    current = get_log(store, log_id, athlete_id)
    data = current.log.model_dump(mode="json")
    data.update(changes)
    log = validated_log(data, kb, today or dt.date.today())
    if log == current.log:
        raise InputError([Problem(f"nothing to change in session log #{log_id}")])
    return store.edit_log(log_id, log), log


def delete_log(store: Store, log_id: int, athlete_id: str | None = None) -> StoredLog:
    get_log(store, log_id, athlete_id)
    return store.delete_log(log_id)
