"""Counts over the fired rules as rows (``rule_firings``, migration 0009): what ``review stats``
and ``rules show`` report, added up by the database. No stored trace is read or parsed, so the
count costs a grouped index walk, not a document per recommendation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased

from engine.storage.schema import RecommendationRow, ReviewEventRow, RuleFiringRow
from engine.storage.store import Store

_ROW = RecommendationRow
_FIRED = RuleFiringRow


def _judged(since: dt.date | None) -> list[ColumnElement[bool]]:
    """A coach judged it, or may: not superseded, not final (no coach)."""
    conditions: list[ColumnElement[bool]] = [_ROW.status.not_in(("superseded", "final"))]
    if since is not None:
        conditions.append(_ROW.date >= since)
    return conditions


def fired_in(store: Store) -> dict[str, int]:
    """Per rule, the current (not superseded) recommendations it fired in."""
    with store.reading() as session:
        rows = session.execute(
            select(_FIRED.rule, func.count())
            .where(_FIRED.status != "superseded")
            .group_by(_FIRED.rule)
        )
        return {rule: int(count) for rule, count in rows}


def statuses_by_rule(store: Store, since: dt.date | None) -> list[tuple[str, str, int]]:
    """(rule, status, recommendations) over the recommendations a coach judged or may, from
    the rows' own status and day (one covering index, no join)."""
    conditions: list[ColumnElement[bool]] = [_FIRED.status.not_in(("superseded", "final"))]
    if since is not None:
        conditions.append(_FIRED.date >= since)
    with store.reading() as session:
        rows = session.execute(
            select(_FIRED.rule, _FIRED.status, func.count())
            .where(*conditions)
            .group_by(_FIRED.rule, _FIRED.status)
        )
        return [(rule, status, int(count)) for rule, status, count in rows]


def rejection_reasons_by_rule(store: Store, since: dt.date | None) -> list[tuple[str, str, int]]:
    """(rule, reason code, rejected recommendations): the reason of each rejected one's last
    decision."""
    earlier = aliased(ReviewEventRow)
    last = (
        select(func.max(earlier.id))
        .where(earlier.recommendation_id == _ROW.id)
        .correlate(_ROW)
        .scalar_subquery()
    )
    with store.reading() as session:
        rows = session.execute(
            select(_FIRED.rule, ReviewEventRow.reason_code, func.count())
            .join(_ROW, _ROW.id == _FIRED.recommendation_id)
            .join(ReviewEventRow, ReviewEventRow.id == last)
            .where(_ROW.status == "rejected", ReviewEventRow.reason_code.is_not(None))
            .where(*_judged(since))
            .group_by(_FIRED.rule, ReviewEventRow.reason_code)
        )
        return [(rule, str(reason), int(count)) for rule, reason, count in rows]


def override_changes(store: Store) -> list[dict[str, Any]]:
    """The changes of the amendments that overrode a safety rule (only amendments can)."""
    with store.reading() as session:
        rows = session.scalars(
            select(ReviewEventRow.changes)
            .where(ReviewEventRow.action == "amend")
            .order_by(ReviewEventRow.id)
        )
        return [dict(changes or {}) for changes in rows]
