"""Each athlete's time zone (an IANA name, or None for the server's zone)."""

from __future__ import annotations

from sqlalchemy import select

from engine.storage.athletes import athlete_row
from engine.storage.schema import AthleteRow
from engine.storage.store import Store


def athlete_timezone(store: Store, athlete_id: str) -> str | None:
    with store.reading() as session:
        found = session.execute(
            select(AthleteRow.id, AthleteRow.timezone).where(AthleteRow.id == athlete_id)
        ).first()
        if found is None:
            store.get_athlete(athlete_id)  # raises NotFound naming the athlete
        return None if found is None else found[1]


def set_athlete_timezone(store: Store, athlete_id: str, zone: str | None) -> None:
    with store.transaction() as session:
        athlete_row(session, athlete_id).timezone = zone
