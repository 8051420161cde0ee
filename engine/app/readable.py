"""Feature values as a person reads them: a sentinel (9999 hours to a quality run nobody
planned) is said in words. Storage-free, so the text cards can use it without a database."""

from __future__ import annotations

from typing import Any

from engine.core.features import NO_SESSION_DAYS, NO_SESSION_HOURS
from engine.rulebook.facts import NO_UPCOMING_HOURS

# What "nothing there" means for each sentinel feature, in words.
NOT_PLANNED = "none planned"
NOT_RECORDED = "none recorded"
_SENTINELS = {
    "hours_to_next_quality": (NO_UPCOMING_HOURS, NOT_PLANNED),
    "hours_since_last_lower_body": (NO_SESSION_HOURS, NOT_RECORDED),
    "hours_since_last_loaded_lower_body": (NO_SESSION_HOURS, NOT_RECORDED),
    "hours_since_last_quality": (NO_SESSION_HOURS, NOT_RECORDED),
    "days_since_last_session": (NO_SESSION_DAYS, NOT_RECORDED),
    "days_since_last_hiit": (NO_SESSION_DAYS, NOT_RECORDED),
}


def readable_feature(key: str, value: Any) -> Any:
    """A feature value as a person should read it: a sentinel becomes words."""
    sentinel = _SENTINELS.get(key)
    if sentinel is not None and value == sentinel[0]:
        return sentinel[1]
    return value
