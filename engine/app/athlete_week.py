"""The athlete's week as cards: each day of the week plan (:mod:`engine.app.week`) as the
athlete's card, the calendar's runs and the missed program minimums in words. The view model
of ``week`` (text, JSON, ICS) and of the week on the athlete's web page."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from engine.app.athlete_card import AthleteCard, CardWords, Review, athlete_card
from engine.app.week import WeekDay, WeekPlan
from engine.app.words import kind_words
from engine.contract.models import PlannedRun, Recommendation

# The block roles whose exercises are the day's work (a warm-up is not what the day is about).
KEY_ROLES = frozenset({"main", "conditioning", "run"})


class DayCard(BaseModel):
    date: dt.date
    projected: bool
    status: str | None = None
    calendar: list[str] = Field(default_factory=list)
    key_exercises: list[str] = Field(default_factory=list)
    card: AthleteCard


class MissedMinimumText(BaseModel):
    program: str  # the program's name
    week_ending: dt.date
    planned: int
    minimum: int

    def sentence(self) -> str:
        """Why the week misses the minimum, in the athlete's words (CLI and web alike)."""
        return (
            f"{self.program}: {self.planned} of its {self.minimum} sessions in the week ending "
            f"{self.week_ending:%a %Y-%m-%d}. The runs, the 48 hours between loaded leg sessions "
            "and before quality and long runs, and readiness leave no other day; the minimum is "
            "missed this week rather than sessions stacked."
        )


# What the week says when the calendar holds no runs, and the commands that add them.
NO_RUNS = "No runs in this plan: runstrong fits strength around your running, and it knows of none."


class AthleteWeek(BaseModel):
    athlete: str
    start: dt.date
    readiness_from: dt.date
    days: list[DayCard]
    has_runs: bool = True
    missed_minimums: list[MissedMinimumText] = Field(default_factory=list)

    def add_runs_commands(self) -> list[str]:
        """How to give runstrong the runs (shown when ``has_runs`` is false)."""
        return [
            f"runstrong calendar add {self.athlete} --weekly tue:quality_run "
            "--weekly thu:easy_run --weekly sun:long_run@08:00",
            f"runstrong calendar import {self.athlete} plan.ics",
        ]


def run_words(run: PlannedRun) -> str:
    """``Long run 08:00``."""
    time = f" {run.date:%H:%M}" if isinstance(run.date, dt.datetime) else ""
    return f"{kind_words(run.kind)}{time}"


def key_exercises(recommendation: Recommendation) -> list[str]:
    return [
        item.name
        for block in recommendation.session.blocks
        if block.role in KEY_ROLES
        for item in block.exercises
    ]


def day_card(day: WeekDay, words: CardWords) -> DayCard:
    review = Review(day.recommendation_id, day.status)
    return DayCard(
        date=day.date,
        projected=day.projected,
        status=day.status,
        calendar=[run_words(run) for run in day.calendar_runs],
        key_exercises=key_exercises(day.recommendation),
        card=athlete_card(day.recommendation, words, review),
    )


def athlete_week(plan: WeekPlan, words: CardWords) -> AthleteWeek:
    return AthleteWeek(
        athlete=plan.athlete,
        start=plan.start,
        readiness_from=plan.readiness_from,
        days=[day_card(day, words) for day in plan.days],
        has_runs=plan.has_runs,
        missed_minimums=[
            MissedMinimumText(
                program=missed.name,
                week_ending=missed.week_ending,
                planned=missed.planned,
                minimum=missed.minimum,
            )
            for missed in plan.missed_minimums
        ],
    )
