"""Hypothesis strategies: valid requests over the knowledge base, biased toward what rules
react to, shrinking toward a plain request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, get_args

from hypothesis import strategies as st

from engine.contract.models import SESSION_KINDS, EvaluationRequest, PainArea
from engine.knowledge.base import KnowledgeBase

_PAIN_AREAS: tuple[str, ...] = get_args(PainArea)
_FREE_TEXT_PAIN = (
    "running downhill",
    "squats",
    "deadlifts",
    "lunges",
    "jumping",
    "hinging",
    "sprints",
)
# Areas some rules single out, drawn more often than the others.
_WATCHED_AREAS = ("knee", "low_back")
_UPCOMING_KINDS = ("quality_run", "long_run", "easy_run", "hiit", "strength")
_BELLS = (4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 20.0, 24.0, 28.0, 32.0)
_DUMBBELLS = (2.5, 5.0, 7.5, 10.0, 12.5, 15.0, 17.5, 20.0, 25.0)
FIRST_DAY = dt.date(2026, 1, 5)
LAST_DAY = dt.date(2026, 12, 27)


_OPTIONAL_BOOL = st.sampled_from([None, True, False])
# Strength and HIIT days are drawn more often (planned, and in the history): most rules act
# on them.
_OFTEN = ("strength", "hiit")
_PLANNED: tuple[str | None, ...] = (None, *_OFTEN, *_OFTEN, *SESSION_KINDS)


def request_strategy(kb: KnowledgeBase) -> st.SearchStrategy[EvaluationRequest]:
    """Valid requests over the knowledge base's programs, ladders, exercises and equipment.

    Every field ranges over what the contract allows (check-in scores 0-10, recovery 0-100,
    pain in every area, 0-20 sessions in the last 8 weeks ...), biased toward what the rules
    react to: strength and HIIT days, recent HIIT with its recovery checks, logs of the
    athlete's own ladder stages, loads near the 1RM, quality runs in the next four days.
    Everything shrinks toward a plain request with no history.
    """
    equipment_ids = sorted(kb.equipment)
    program_ids = sorted(kb.programs)
    # The weeks a program has: up to its last week-numbered variant (a program without any is
    # drawn in its first four weeks).
    last_week = {
        program.id: max((v.week for v in program.variants if v.week is not None), default=4)
        for program in kb.programs.values()
    }
    ladder_ids = sorted(kb.ladders)
    exercise_ids = sorted(kb.exercises)
    external = sorted(e.id for e in kb.exercises.values() if e.load == "external")
    stage_ids = sorted({s for ladder in kb.ladders.values() for s in ladder.stage_exercises()})
    program_exercises = {
        program.id: sorted(
            {
                entry.exercise
                for variant in program.variants
                for block in variant.blocks
                for entry in block.exercises
            }
        )
        for program in kb.programs.values()
    }

    @st.composite
    def pain_reports(draw: st.DrawFn) -> dict[str, Any]:
        pain: dict[str, Any] = {
            "area": draw(st.one_of(st.sampled_from(_PAIN_AREAS), st.sampled_from(_WATCHED_AREAS))),
            "severity": draw(st.one_of(st.integers(0, 3), st.integers(0, 6), st.integers(0, 10))),
        }
        during = draw(
            st.one_of(st.none(), st.sampled_from(exercise_ids), st.sampled_from(_FREE_TEXT_PAIN))
        )
        if during is not None:
            pain["during"] = during
        return pain

    @st.composite
    def exercise_logs(
        draw: st.DrawFn, pools: tuple[Sequence[str], Sequence[str]], maxes: Mapping[str, float]
    ) -> dict[str, Any]:
        # Half the time one of the athlete's own ladder stages (their gates read these logs).
        own, others = pools
        exercise = draw(st.sampled_from(own if len(own) > 0 and draw(st.booleans()) else others))
        log: dict[str, Any] = {
            "id": exercise,
            "sets": draw(st.integers(1, 5)),
            "reps": draw(st.integers(0, 15)),
        }
        if draw(st.booleans()):  # a load, near the 1RM where there is one
            one_rm = maxes.get(exercise)
            log["load_kg"] = (
                round(one_rm * draw(st.integers(30, 100)) / 100, 1)
                if one_rm
                else float(draw(st.integers(0, 60)))
            )
        for flag in ("posture_held", "felt_easy"):
            value = draw(_OPTIONAL_BOOL)
            if value is not None:
                log[flag] = value
        return log

    @st.composite
    def sessions(
        draw: st.DrawFn, today: dt.date, own_stages: Sequence[str], maxes: Mapping[str, float]
    ) -> dict[str, Any]:
        days_ago = draw(st.one_of(st.integers(0, 6), st.integers(0, 55)))
        kind = draw(st.one_of(st.sampled_from(SESSION_KINDS), st.sampled_from(_OFTEN)))
        session: dict[str, Any] = {"date": today - dt.timedelta(days=days_ago), "kind": kind}
        hiit_like = kind == "hiit"
        if kind == "strength":  # a program, and logged exercises (ladder stages mostly)
            pool = list(stage_ids)
            program = draw(st.one_of(st.none(), st.sampled_from(program_ids)))
            if program is not None:
                session["program"] = program
                pool += program_exercises[program]
                variant = draw(st.sampled_from([None, *kb.programs[program].variants]))
                if variant is not None:
                    session["variant"] = variant.id
                    hiit_like = variant.counts_as_hiit
            session["exercises"] = draw(
                st.lists(exercise_logs((own_stages, pool), maxes), max_size=4)
            )
        if hiit_like:  # the HIIT recovery checks
            for flag in ("hr_back_to_normal", "slept_well_after", "recovered_between_intervals"):
                value = draw(_OPTIONAL_BOOL)
                if value is not None:
                    session[flag] = value
        return session

    @st.composite
    def planned_runs(draw: st.DrawFn, today: dt.date) -> dict[str, Any]:
        when: dt.date | dt.datetime
        if draw(st.booleans()):
            hours = draw(st.integers(0, 96))
            when = dt.datetime.combine(today, dt.time()) + dt.timedelta(hours=hours)
        else:
            when = today + dt.timedelta(days=draw(st.integers(0, 4)))
        kind = draw(
            st.one_of(st.sampled_from(_UPCOMING_KINDS[:2]), st.sampled_from(_UPCOMING_KINDS))
        )
        return {"date": when, "kind": kind}

    @st.composite
    def requests(draw: st.DrawFn) -> EvaluationRequest:
        today = draw(st.dates(FIRST_DAY, LAST_DAY))
        # Mostly everything (so most sessions can be built) or a subset; shrinks toward none.
        owned = draw(st.sampled_from(["none", "all", "all", "some", "some"]))
        equipment = list(equipment_ids) if owned == "all" else []
        if owned == "some":
            equipment = [item for item in equipment_ids if draw(st.booleans())]
        maxes = draw(
            st.dictionaries(st.sampled_from(external), st.integers(8, 200).map(float), max_size=8)
        )
        # Some of the programs, or just one (then it is what a strength day is made of).
        if draw(st.sampled_from(["some", "one"])) == "one":
            programs = [draw(st.sampled_from(program_ids))]
        else:
            programs = [item for item in program_ids if draw(st.integers(0, 2)) == 2]
        ladders: dict[str, Any] = {}
        for ladder_id in ladder_ids:
            if not draw(st.booleans()):
                continue
            ladder = kb.ladders[ladder_id]
            stage = draw(st.sampled_from(ladder.stage_exercises()))
            stage_spec = next((s for s in ladder.stages if s.exercise == stage), None)
            helps = [item.id for item in stage_spec.assistance] if stage_spec else []
            position: dict[str, Any] = {
                "stage": stage,
                "since": today - dt.timedelta(days=draw(st.integers(0, 120))),
            }
            if len(helps) > 0 and draw(st.booleans()):
                position["assistance"] = draw(st.sampled_from(helps))
            ladders[ladder_id] = position
        athlete: dict[str, Any] = {
            "id": "generated",
            "level": draw(st.sampled_from(["intermediate", "beginner", "advanced"])),
            "equipment": equipment,
            "programs": [
                {"id": item, "week": draw(st.integers(1, last_week[item]))} for item in programs
            ],
            "ladders": ladders,
            "has_coach": draw(st.booleans()),
        }
        if maxes:
            athlete["one_rep_max_kg"] = maxes
        for key, sizes in (("kettlebells_kg", _BELLS), ("dumbbells_kg", _DUMBBELLS)):
            if draw(st.booleans()):
                chosen = draw(st.lists(st.sampled_from(sizes), min_size=1, max_size=6, unique=True))
                athlete[key] = sorted(chosen)

        checkin: dict[str, Any] = {
            "date": today,
            "recovery_pct": draw(
                st.one_of(st.integers(80, 100), st.integers(50, 100), st.integers(0, 100))
            ),
            "slept_well": draw(st.booleans()),
            "soreness": draw(st.integers(0, 10)),
            "life_stress": draw(st.one_of(st.integers(0, 6), st.integers(0, 10))),
            "pain": draw(st.lists(pain_reports(), max_size=3)),
        }
        planned = draw(st.sampled_from(_PLANNED))
        if planned is not None:
            checkin["planned"] = planned
        own_stages = [position["stage"] for position in ladders.values()]
        history = draw(st.lists(sessions(today, own_stages, maxes), max_size=20))
        history.sort(key=lambda item: item["date"])
        upcoming = draw(st.lists(planned_runs(today), max_size=3))
        data = {"athlete": athlete, "checkin": checkin, "history": history, "upcoming": upcoming}
        return EvaluationRequest.model_validate(data, context={"kb": kb})

    return requests()
