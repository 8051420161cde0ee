"""What the store hands out, in a module of its own so that a reader that does not use
SQLAlchemy (:mod:`engine.storage.sqlite_reads`) hands out the same thing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.contract.models import Recommendation


@dataclass(frozen=True)
class StoredRecommendation:
    id: int
    athlete_id: str
    date: dt.date
    status: str
    rules_version: str
    recommendation: Recommendation
    request: dict[str, Any]
    created_at: dt.datetime


def no_athlete(athlete_id: str) -> str:
    return f"no athlete {athlete_id!r}; add one with 'runstrong athlete add'"
