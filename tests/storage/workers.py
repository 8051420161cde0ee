"""Check-ins run in other processes: by multiprocessing (two at once) and as a subprocess that
the tests kill (``python -m tests.storage.workers URL ATHLETE FIRST_DAY COUNT [--replace]``).

Each check-in goes through the real use case, :func:`engine.app.checkin.check_in`.

The barrier is waited on without a time limit: on a loaded machine the other process may take
long to start. The test breaks the barrier when a process dies and fails when nothing moves
for minutes (tests/progress.py), so a worker never waits forever.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import yaml

from engine.app.checkin import check_in
from engine.contract.models import CheckIn, PlannedRun
from engine.evaluation.evaluators import get_evaluator
from engine.loading.paths import rules_dir
from engine.storage.store import Store

FAR_FUTURE = dt.date(2100, 1, 1)


def _base() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (rules_dir() / "fixtures" / "base_request.yaml").read_text()
    )
    return data


def _checkins(
    url: str,
    athlete_id: str,
    first_day: dt.date,
    count: int,
    ready: Any,
    replace: bool = False,
    recovery_pct: int | None = None,
) -> list[int]:
    base = _base()
    store = Store.open(url)
    evaluator = get_evaluator()
    ready()
    ids = []
    for offset in range(count):
        day = first_day + dt.timedelta(days=offset)
        data = {**base["checkin"], "date": day.isoformat()}
        if recovery_pct is not None:
            data["recovery_pct"] = recovery_pct
        checkin = CheckIn.model_validate(data)
        upcoming = [
            PlannedRun.model_validate({"date": day + dt.timedelta(days=2), "kind": "long_run"})
        ]
        result = check_in(
            store, evaluator, athlete_id, checkin, upcoming, replace=replace, today=FAR_FUTURE
        )
        ids.append(result.recommendation_id)
    store.engine.dispose()
    return ids


def concurrent_checkins(
    url: str, athlete_id: str, first_day: dt.date, count: int, barrier: Any, results: Any
) -> None:
    """Set up, wait for the other process at the barrier, then check in ``count`` days."""
    try:
        ids = _checkins(url, athlete_id, first_day, count, barrier.wait)
        results.put((athlete_id, "ok", ids))
    except BaseException as error:
        results.put((athlete_id, "error", repr(error)))
        raise


# The point at which the worker dies (exit 137, as from a kill), for the crash-safety tests:
# "after_checkin_write" (the check-in row flushed, the recommendation not yet written) or
# "before_commit" (both rows flushed, not committed). Injected here, through SQLAlchemy's
# session events, so the store carries no test hook.
CRASH_ENV = "RUNSTRONG_TEST_CRASH_AT"


def _die_at(point: str) -> None:
    """Kill this process at ``point`` of the next check-in's write transaction."""
    import os

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from engine.storage.schema import CheckInRow, RecommendationRow

    written: set[str] = set()

    def after_flush(session: Session, context: Any) -> None:
        touched = [*session.new, *session.dirty]
        if any(isinstance(row, RecommendationRow) for row in session.new):
            written.add("recommendation")
        elif any(isinstance(row, CheckInRow) for row in touched):
            if point == "after_checkin_write":
                os._exit(137)
            written.add("checkin")

    def before_commit(session: Session) -> None:
        if point == "before_commit" and "recommendation" in written:
            os._exit(137)

    event.listen(Session, "after_flush", after_flush)
    event.listen(Session, "before_commit", before_commit)


def main(argv: list[str]) -> None:
    """Print "ready" once set up, check in COUNT days from FIRST_DAY, then print "done".

    Options: --replace, --recovery-pct=N (a check-in that differs from the base one).
    """
    url, athlete_id, first_day, count = argv[:4]
    options = dict(arg.removeprefix("--").partition("=")[::2] for arg in argv[4:])
    recovery = options.get("recovery-pct")

    def ready() -> None:
        import os

        point = os.environ.get(CRASH_ENV)
        if point:
            _die_at(point)
        print("ready", flush=True)

    _checkins(
        url,
        athlete_id,
        dt.date.fromisoformat(first_day),
        int(count),
        ready,
        replace="replace" in options,
        recovery_pct=None if recovery is None else int(recovery),
    )
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])


def racing_checkins(
    url: str, athlete_id: str, first_day: dt.date, count: int, barrier: Any, results: Any
) -> None:
    """Like :func:`concurrent_checkins`, for an athlete another process checks in too: each
    day's outcome is "ok" or "exists" (refused as already checked in)."""
    from engine.storage.store import AlreadyExists

    try:
        base = _base()
        store = Store.open(url)
        evaluator = get_evaluator()
        barrier.wait()
        outcomes = []
        for offset in range(count):
            day = first_day + dt.timedelta(days=offset)
            checkin = CheckIn.model_validate({**base["checkin"], "date": day.isoformat()})
            try:
                check_in(store, evaluator, athlete_id, checkin, today=FAR_FUTURE)
                outcomes.append("ok")
            except AlreadyExists:
                outcomes.append("exists")
        store.engine.dispose()
        results.put(("ok", outcomes))
    except BaseException as error:
        results.put(("error", repr(error)))
        raise


def open_at_once(url: str, barrier: Any, results: Any) -> None:
    """Open a database that nobody has opened yet, together with other processes."""
    from engine.storage.db import current_revision

    try:
        barrier.wait()
        store = Store.open(url, create=True)
        results.put(("ok", current_revision(store.engine)))
        store.engine.dispose()
    except BaseException as error:
        results.put(("error", repr(error)))
        raise
