"""The athlete's daily loop as use cases: check in (store + evaluate + store the
recommendation, in one transaction), today's recommendation, and the request behind it.

This is the seam between the pure engine core and storage: it reads history from the store,
builds an :class:`EvaluationRequest`, evaluates it, and writes the result back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError

from engine.app import calendar
from engine.app.ladders import apply_moves
from engine.contract.errors import InputError, Problem
from engine.contract.models import (
    AthleteProfile,
    CheckIn,
    EvaluationRequest,
    PlannedRun,
    Recommendation,
)
from engine.loading.yamlio import problems_from_validation
from engine.storage.store import Store

if TYPE_CHECKING:  # `today` reads the store only: it need not import the engine
    from engine.core.evaluator import Evaluator

# How much history an evaluation sees. The longest look-back among the features is the run of
# consecutive heavy weeks (3 by default), so eight weeks leaves room for a longer setting.
HISTORY_DAYS = 56


@dataclass(frozen=True)
class CheckInResult:
    recommendation_id: int
    recommendation: Recommendation
    status: str  # pending (a coach will review it) or final (no coach)


def build_request(
    store: Store,
    evaluator: Evaluator,
    athlete_id: str,
    checkin: CheckIn,
    upcoming: list[PlannedRun],
) -> EvaluationRequest:
    """The request for a check-in: the stored profile and the history as it stood that day."""
    athlete = store.get_athlete(athlete_id)
    history = store.sessions(
        athlete_id,
        until=checkin.date,
        since=checkin.date - dt.timedelta(days=HISTORY_DAYS),
    )
    data = {
        "athlete": athlete.model_dump(mode="json", by_alias=True),
        "checkin": checkin.model_dump(mode="json"),
        "history": [session.model_dump(mode="json") for session in history],
        "upcoming": [run.model_dump(mode="json") for run in upcoming],
    }
    try:
        return EvaluationRequest.model_validate(data, context={"kb": evaluator.kb})
    except ValidationError as error:
        raise InputError(problems_from_validation(error, None)) from error


def check_in(
    store: Store,
    evaluator: Evaluator,
    athlete_id: str,
    checkin: CheckIn,
    upcoming: list[PlannedRun] | None = None,
    replace: bool = False,
    today: dt.date | None = None,
) -> CheckInResult:
    """Store a check-in and the recommendation computed from it, together or not at all.

    ``upcoming`` of None means "from the calendar", and so does a check-in with no planned
    kind: runs and a plan given with the check-in override the calendar for that day only.
    """
    today = today or dt.date.today()
    if checkin.date > today:
        raise InputError(
            [Problem(f"{checkin.date} is in the future (today is {today})", field="date")]
        )
    if upcoming is None:
        upcoming = calendar.upcoming_runs(store, evaluator, athlete_id, checkin.date)
    if checkin.planned is None:
        planned = calendar.planned_kind(store, athlete_id, checkin.date)
        checkin = checkin.model_copy(update={"planned": planned})
    for index, run in enumerate(upcoming):
        run_day = run.date.date() if isinstance(run.date, dt.datetime) else run.date
        if run_day < checkin.date:
            raise InputError(
                [Problem(f"{run_day} is before the check-in date", field=f"upcoming[{index}]")]
            )
    request = build_request(store, evaluator, athlete_id, checkin, upcoming)
    recommendation = evaluator.evaluate(request)
    has_coach = request.athlete.has_coach
    recommendation_id = store.save_checkin(
        athlete_id,
        checkin,
        upcoming,
        request.model_dump(mode="json", by_alias=True),
        recommendation,
        replace=replace,
        status="pending" if has_coach else "final",
    )
    _apply_at_once(store, request.athlete, recommendation, recommendation_id)
    return CheckInResult(recommendation_id, recommendation, "pending" if has_coach else "final")


def _apply_at_once(
    store: Store,
    athlete: AthleteProfile,
    recommendation: Recommendation,
    recommendation_id: int,
) -> None:
    """Ladder moves that take effect at once: a regression always (a safety decision, as on
    today's card: posture was lost even with assistance), and an advance too when there is no
    coach, so no review. With a coach, the advance waits for the review's approval.

    A separate transaction after the check-in's: if the process dies between the two, the
    next check-in simply concludes the same move again.
    """
    progressions = [
        progression
        for progression in recommendation.progressions
        if progression.action == "regress" or not athlete.has_coach
    ]
    moves = apply_moves(athlete, progressions, recommendation.date)
    if moves.profile is not None:
        store.update_athlete(
            moves.profile,
            reason="ladder regression (posture lost even with assistance: takes effect at once)"
            if athlete.has_coach
            else "ladder decision (no coach: takes effect at once)",
            recommendation_id=recommendation_id,
        )


def has_checked_in(store: Store, athlete_id: str, day: dt.date) -> bool:
    """Whether the athlete (who must exist) already checked in on ``day``."""
    store.get_athlete(athlete_id)
    return store.get_checkin(athlete_id, day) is not None
