"""One page of an athlete's check-ins, filtered, ordered and paged in SQL (the API's list)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine.contract.models import CheckIn
from engine.storage.schema import CheckInRow
from engine.storage.store import Store


def checkin_page(
    store: Store, athlete_id: str, since: dt.date | None, limit: int, offset: int
) -> list[CheckIn]:
    with store.reading() as session:
        query = select(CheckInRow.data).where(CheckInRow.athlete_id == athlete_id)
        if since is not None:
            query = query.where(CheckInRow.date >= since)
        rows = session.scalars(query.order_by(CheckInRow.date).limit(limit).offset(offset))
        return [CheckIn.model_validate(data) for data in rows]
