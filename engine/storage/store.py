"""The store: every read and write of athletes, check-ins, logs and recommendations.

Documents go in and come out as the public pydantic models. Each public method is one
transaction (:mod:`engine.storage.transactions`): it commits whole or not at all. The records
live in a module each; :class:`Store` is all of them over one database, so a caller holds one
object whatever it reads or writes.
"""

from __future__ import annotations

from engine.storage.athletes import AthleteRecords
from engine.storage.checkins import CheckInRecords
from engine.storage.errors import AlreadyExists, NotFound, StoreError
from engine.storage.recommendations import RecommendationReads
from engine.storage.session_logs import SessionLogRecords, StoredLog

# What a caller of the store meets, importable with it: its refusals (most callers catch
# them) and the session log it hands out.
__all__ = ["AlreadyExists", "NotFound", "Store", "StoreError", "StoredLog"]


class Store(AthleteRecords, CheckInRecords, RecommendationReads, SessionLogRecords):
    """Athletes, check-ins, recommendations and session logs in one database."""
