"""Each athlete's own day: their IANA time zone (the server's zone when none is set) decides
what "today" is for their check-in, their card, their week and their imports."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from engine.contract.errors import InputError, Problem
from engine.storage.store import Store
from engine.storage.zones import athlete_timezone, set_athlete_timezone


def server_zone() -> dt.tzinfo:
    zone = dt.datetime.now().astimezone().tzinfo
    assert zone is not None  # astimezone() always gives an aware datetime
    return zone


def parse_zone(name: str, field: str = "timezone") -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InputError(
            [Problem(f"unknown time zone {name!r} (an IANA name, e.g. Europe/Paris)", field=field)]
        ) from None


def athlete_zone(store: Store, athlete_id: str) -> dt.tzinfo:
    name = athlete_timezone(store, athlete_id)
    return server_zone() if name is None else parse_zone(name)


def athlete_today(store: Store, athlete_id: str, now: dt.datetime | None = None) -> dt.date:
    """The date it is now where the athlete is."""
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    return moment.astimezone(athlete_zone(store, athlete_id)).date()


def set_zone(store: Store, athlete_id: str, name: str | None) -> None:
    """Set the athlete's zone (None: back to the server's)."""
    if name is not None:
        parse_zone(name)
    set_athlete_timezone(store, athlete_id, name)
