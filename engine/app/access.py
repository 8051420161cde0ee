"""The review and the athlete's day, seen through who is asking.

Every use case here takes the :class:`Principal` first and refuses what they may not see or
do before anything is read or written: another coach's athlete, or another athlete's data,
is :class:`NotFound` (so its existence does not leak), and a decision by a non-coach is
:class:`Forbidden`. Decisions are recorded with the principal's user name as the reviewer,
through the same checks and audit log as ``runstrong review``.

"Not yours" and "not there" get the same answer, word for word (:func:`no_athlete`,
:func:`no_recommendation`), so that no answer tells whether another coach's record exists.
An athlete checks in for their own today only (in their time zone); their coach may correct
another day, and each such correction is written to the access audit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.app.accounts import Principal
from engine.app.athlete_card import AthleteCard, CardWords
from engine.app.athlete_day import TodayCard, today_card
from engine.app.athlete_zone import athlete_today
from engine.app.checkin import CheckInResult, check_in
from engine.app.coach_view import AthleteHistory, coach_history
from engine.app.done import adjust_logged, done_as_recommended, logged_today
from engine.app.review import Amendment, Decided, amend, approve, reject
from engine.app.review_view import ReviewDetail, review_detail
from engine.app.today import today_athlete_card
from engine.app.triage import TriagePage, triage
from engine.app.week import WeekPlan, plan_week
from engine.app.words import Namer
from engine.contract.errors import InputError, Problem, UserError
from engine.contract.models import CheckIn, PlannedRun, SessionLog
from engine.core.evaluator import Evaluator
from engine.storage.accounts import AccountStore
from engine.storage.checkin_pages import checkin_page
from engine.storage.reviews import AlreadyDecided, ReviewEvent
from engine.storage.store import AlreadyExists, NotFound, Store, StoredLog, StoreError

__all__ = ["AlreadyDecided", "AlreadyExists", "Forbidden", "NotFound", "ReviewEvent", "StoreError"]


class Forbidden(UserError):
    """The principal is known but may not do this (an athlete deciding, say)."""


def no_athlete(athlete_id: str) -> NotFound:
    return NotFound(f"no athlete {athlete_id!r}")


def no_recommendation(recommendation_id: int) -> NotFound:
    return NotFound(f"no recommendation {recommendation_id}")


def _see_athlete(principal: Principal, athlete_id: str) -> None:
    if not principal.can_see(athlete_id):
        raise no_athlete(athlete_id)


def _coach(principal: Principal) -> None:
    if not principal.is_coach:
        raise Forbidden("only a coach can decide on a recommendation")


def _see_recommendation(store: Store, principal: Principal, recommendation_id: int) -> None:
    try:
        stored = store.get_recommendation(recommendation_id)
    except NotFound:
        raise no_recommendation(recommendation_id) from None
    if not principal.can_see(stored.athlete_id):
        raise no_recommendation(recommendation_id)


# --- reading -----------------------------------------------------------------------------------


def visible_athletes(principal: Principal) -> list[str]:
    return sorted(principal.athletes)


def visible_triage(
    store: Store,
    evaluator: Evaluator,
    principal: Principal,
    status: str,
    athlete_id: str | None,
    flag: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> TriagePage:
    """One page of the coach's triage over their own athletes: the access is a condition of
    the query (engine.storage.triage), so the page costs the same on any size of database."""
    if not principal.is_coach:
        raise Forbidden("the review is for coaches; your day is at /today")
    if athlete_id is not None:
        _see_athlete(principal, athlete_id)
    return triage(
        store,
        evaluator.ruleset.engine_settings,
        status,
        flag,
        athletes=principal.athletes,
        athlete_id=athlete_id,
        limit=limit,
        offset=offset,
        name=Namer(evaluator.kb).name,
    )


def approve_many_as(
    store: Store, principal: Principal, recommendation_ids: list[int], note: str | None
) -> list[Decided]:
    """Approve each of the recommendations (each its own decision and audit event); every one
    is checked for access before any is decided."""
    _coach(principal)
    for recommendation_id in recommendation_ids:
        _see_recommendation(store, principal, recommendation_id)
    return [
        approve(store, recommendation_id, principal.user.name, note)
        for recommendation_id in dict.fromkeys(recommendation_ids)
    ]


def visible_detail(
    store: Store, evaluator: Evaluator, principal: Principal, recommendation_id: int
) -> ReviewDetail:
    """The whole recommendation with its trace and the coach's decisions: for coaches (an
    athlete's pages show their session, never the review)."""
    if not principal.is_coach:
        raise Forbidden("the review is for coaches; your day is at /today")
    _see_recommendation(store, principal, recommendation_id)
    return review_detail(store, evaluator.kb, recommendation_id)


def visible_history(
    store: Store,
    evaluator: Evaluator,
    principal: Principal,
    athlete_id: str,
    until: dt.date,
    weeks: int,
) -> AthleteHistory:
    _see_athlete(principal, athlete_id)
    return coach_history(store, evaluator, athlete_id, until, weeks)


def visible_week(
    store: Store, evaluator: Evaluator, principal: Principal, athlete_id: str, today: dt.date
) -> WeekPlan | None:
    """The athlete's next seven days, or None before their first check-in."""
    _see_athlete(principal, athlete_id)
    try:
        return plan_week(store, evaluator, athlete_id, today, today)
    except InputError:  # no check-in yet: nothing to carry forward
        return None


def visible_today(
    store: Store, principal: Principal, athlete_id: str, day: dt.date
) -> TodayCard | None:
    _see_athlete(principal, athlete_id)
    return today_card(store, athlete_id, day)


def visible_athlete_card(
    store: Store, principal: Principal, athlete_id: str, day: dt.date, words: CardWords
) -> AthleteCard | None:
    """The athlete's card of ``day`` (the JSON ``today --format json`` prints), or None when
    they have not checked in that day."""
    _see_athlete(principal, athlete_id)
    return today_athlete_card(store, athlete_id, day, words)


def visible_checkins(
    store: Store,
    principal: Principal,
    athlete_id: str,
    since: dt.date | None,
    limit: int,
    offset: int,
) -> list[CheckIn]:
    """One page of the athlete's check-ins, oldest first (paged in SQL)."""
    _see_athlete(principal, athlete_id)
    return checkin_page(store, athlete_id, since, limit, offset)


def today_of(store: Store, principal: Principal, athlete_id: str) -> dt.date:
    """The athlete's today, in their time zone (after checking the principal may see them)."""
    _see_athlete(principal, athlete_id)
    return athlete_today(store, athlete_id)


# --- deciding ----------------------------------------------------------------------------------


def approve_as(
    store: Store, principal: Principal, recommendation_id: int, note: str | None, force: bool
) -> Decided:
    _coach(principal)
    _see_recommendation(store, principal, recommendation_id)
    return approve(store, recommendation_id, principal.user.name, note, force)


def reject_as(
    store: Store,
    principal: Principal,
    recommendation_id: int,
    reason_code: str,
    note: str | None,
    force: bool,
) -> Decided:
    _coach(principal)
    _see_recommendation(store, principal, recommendation_id)
    return reject(store, recommendation_id, principal.user.name, reason_code, note, force)


def amend_as(
    store: Store,
    evaluator: Evaluator,
    principal: Principal,
    recommendation_id: int,
    amendment: Amendment,
    note: str | None,
    force: bool,
) -> Decided:
    _coach(principal)
    _see_recommendation(store, principal, recommendation_id)
    return amend(store, evaluator, recommendation_id, amendment, principal.user.name, note, force)


# --- the athlete's day -------------------------------------------------------------------------


def check_in_as(
    store: Store,
    evaluator: Evaluator,
    principal: Principal,
    athlete_id: str,
    checkin: CheckIn,
    upcoming: list[PlannedRun],
    replace: bool,
    now: dt.datetime | None = None,
) -> CheckInResult:
    """Check in for the athlete's today. Another day is the coach's correction of the record:
    refused to anyone else, and audited."""
    _see_athlete(principal, athlete_id)
    today = athlete_today(store, athlete_id, now)
    correcting = checkin.date != today
    if correcting and not principal.is_coach:
        raise InputError(
            [
                Problem(
                    f"a check-in is for today ({today} where {athlete_id} is), not "
                    f"{checkin.date}; your coach can correct another day",
                    field="checkin.date",
                )
            ]
        )
    if not replace and store.get_checkin(athlete_id, checkin.date) is not None:
        raise AlreadyExists(
            f"{athlete_id} already checked in on {checkin.date}; tick 'replace' to replace it"
        )
    result = check_in(store, evaluator, athlete_id, checkin, upcoming, replace=replace, today=today)
    if correcting:
        AccountStore(store).record_event(
            principal.user.name,
            "checkin_corrected",
            athlete_id,
            {
                "date": checkin.date.isoformat(),
                "replace": replace,
                "recommendation": result.recommendation_id,
            },
        )
    return result


def done_as_recommended_as(
    store: Store, evaluator: Evaluator, principal: Principal, athlete_id: str, day: dt.date
) -> tuple[int, SessionLog]:
    _see_athlete(principal, athlete_id)
    return done_as_recommended(store, evaluator.kb, athlete_id, day)


def logged_today_as(
    store: Store, principal: Principal, athlete_id: str, day: dt.date, kind: str
) -> StoredLog | None:
    """The day's logged session of ``kind``, if any (the phone shows it instead of "Done")."""
    _see_athlete(principal, athlete_id)
    return logged_today(store, athlete_id, day, kind)


def adjust_logged_as(
    store: Store,
    evaluator: Evaluator,
    principal: Principal,
    athlete_id: str,
    day: dt.date,
    actuals: dict[str, dict[str, Any]],
    skipped: frozenset[str],
) -> tuple[int, SessionLog]:
    _see_athlete(principal, athlete_id)
    return adjust_logged(store, evaluator.kb, athlete_id, day, actuals, skipped)
