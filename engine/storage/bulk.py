"""Many past days of one athlete at once: check-ins, their recommendations and session logs,
stored with bulk inserts in one transaction (an import of existing data, or building a large
database for a benchmark).

:meth:`Store.save_checkin` evaluates nothing either, but it is one transaction per day; here
a year of one athlete is one transaction and three multi-row inserts. A document used on
several days (a recommendation shared by a benchmark's days) is serialised once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert

from engine.contract.models import (
    REVIEW_STATUSES,
    CheckIn,
    PlannedRun,
    Recommendation,
    SessionLog,
)
from engine.storage.schema import (
    AthleteRow,
    CheckInRow,
    RecommendationRow,
    RuleFiringRow,
    SessionLogRow,
    utcnow,
)
from engine.storage.store import NotFound, Store
from engine.storage.transactions import refuse_duplicate
from engine.storage.triage_columns import fired_rules_of, triage_values


@dataclass(frozen=True)
class PastDay:
    checkin: CheckIn
    request: dict[str, Any]  # the request the recommendation was computed from, as JSON
    recommendation: Recommendation
    status: str = "pending"  # where the coach's review of it stands
    sessions: Sequence[SessionLog] = ()
    upcoming: Sequence[PlannedRun] = field(default_factory=list)


def import_days(store: Store, athlete_id: str, days: Sequence[PastDay]) -> list[int]:
    """Store the days in one transaction; return the recommendation ids, in order.

    A day the athlete already checked in on is refused (:class:`AlreadyExists`, nothing
    stored), as is an unknown athlete or status.
    """
    unknown = sorted({day.status for day in days} - set(REVIEW_STATUSES))
    if unknown:
        raise ValueError(f"unknown status {unknown[0]!r}; use one of {', '.join(REVIEW_STATUSES)}")
    dumped: dict[int, dict[str, Any]] = {}

    def recommendation_json(recommendation: Recommendation) -> dict[str, Any]:
        key = id(recommendation)
        if key not in dumped:
            dumped[key] = recommendation.model_dump(mode="json", by_alias=True)
        return dumped[key]

    now = utcnow()
    duplicate = f"{athlete_id} already has a check-in on one of these days"
    with refuse_duplicate(duplicate), store.transaction() as session:
        if session.get(AthleteRow, athlete_id) is None:
            raise NotFound(f"no athlete {athlete_id!r}; add one with 'runstrong athlete add'")
        if not days:
            return []
        checkin_ids = session.scalars(
            insert(CheckInRow).returning(CheckInRow.id, sort_by_parameter_order=True),
            [
                {
                    "athlete_id": athlete_id,
                    "date": day.checkin.date,
                    "data": day.checkin.model_dump(mode="json"),
                    "upcoming": [run.model_dump(mode="json") for run in day.upcoming],
                    "created_at": now,
                    "updated_at": now,
                }
                for day in days
            ],
        ).all()
        recommendation_ids = session.scalars(
            insert(RecommendationRow).returning(RecommendationRow.id, sort_by_parameter_order=True),
            [
                {
                    "athlete_id": athlete_id,
                    "checkin_id": checkin_id,
                    "date": day.checkin.date,
                    "status": day.status,
                    "rules_version": day.recommendation.rules_version,
                    "request": day.request,
                    "recommendation": recommendation_json(day.recommendation),
                    "created_at": now,
                    **triage_values(day.request, recommendation_json(day.recommendation)),
                }
                for checkin_id, day in zip(checkin_ids, days, strict=True)
            ],
        ).all()
        firings = [
            {
                "recommendation_id": rec_id,
                "rule": rule,
                "status": day.status,
                "date": day.checkin.date,
            }
            for rec_id, day in zip(recommendation_ids, days, strict=True)
            for rule in fired_rules_of(recommendation_json(day.recommendation))
        ]
        if firings:
            session.execute(insert(RuleFiringRow), firings)
        logs = [
            {
                "athlete_id": athlete_id,
                "date": log.date,
                "kind": log.kind,
                "program": log.program,
                "data": log.model_dump(mode="json"),
                "created_at": now,
            }
            for day in days
            for log in day.sessions
        ]
        if logs:
            session.execute(insert(SessionLogRow), logs)
        return list(recommendation_ids)
