"""Writers that race on one row, run in spawned processes by ``test_races``: each opens the
database, waits at the barrier (without a time limit: see workers.py), then makes its one
write and reports how it went."""

from __future__ import annotations

from typing import Any

from engine.contract.models import SessionLog
from engine.storage.reviews import Decision, ReviewStore
from engine.storage.store import Store, StoreError


def approve(url: str, recommendation_id: int, reviewer: str, barrier: Any, results: Any) -> None:
    """``review approve``'s write: one decision on the recommendation."""
    try:
        store = Store.open(url)
        reviews = ReviewStore(store)
        barrier.wait()
        try:
            reviews.decide(recommendation_id, Decision(action="approve", reviewer=reviewer))
            results.put(("ok", reviewer))
        except StoreError as error:
            results.put(("refused", str(error)))
        store.engine.dispose()
    except BaseException as error:
        results.put(("error", repr(error)))
        raise


def edit(url: str, log_id: int, duration: int, barrier: Any, results: Any) -> None:
    """``log edit``'s write: a new version of the log."""
    try:
        store = Store.open(url)
        current = store.get_log(log_id).log
        log = SessionLog.model_validate({**current.model_dump(), "duration_min": duration})
        barrier.wait()
        try:
            new_id = store.edit_log(log_id, log)
            results.put(("ok", new_id))
        except StoreError as error:
            results.put(("refused", str(error)))
        store.engine.dispose()
    except BaseException as error:
        results.put(("error", repr(error)))
        raise
