"""Each athlete's own day: their IANA time zone (the server's zone when none is set) decides
what "today" is for their check-in, their card, their week and their imports."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

from engine.contract.errors import InputError, Problem

if TYPE_CHECKING:  # imported when used: ``today`` reads the zone without SQLAlchemy
    from engine.storage.store import Store


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


def zone_named(name: str | None) -> dt.tzinfo:
    """An athlete's zone from its stored name (None: the server's)."""
    return server_zone() if name is None else parse_zone(name)


def athlete_zone(store: Store, athlete_id: str) -> dt.tzinfo:
    from engine.storage.zones import athlete_timezone

    return zone_named(athlete_timezone(store, athlete_id))


def today_in(zone: dt.tzinfo, now: dt.datetime | None = None) -> dt.date:
    """The date it is now in that zone."""
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    return moment.astimezone(zone).date()


def athlete_today(store: Store, athlete_id: str, now: dt.datetime | None = None) -> dt.date:
    """The date it is now where the athlete is."""
    return today_in(athlete_zone(store, athlete_id), now)


def set_zone(store: Store, athlete_id: str, name: str | None) -> None:
    """Set the athlete's zone (None: back to the server's)."""
    if name is not None:
        parse_zone(name)
    from engine.storage.zones import set_athlete_timezone

    set_athlete_timezone(store, athlete_id, name)
