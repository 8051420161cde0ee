"""Season scenarios: a sequence of days run through the engine, with expectations on the whole.

A season scenario (``rules/seasons/<name>.yaml``) says who the athlete is (fields that replace the
base request's athlete's), when the season starts, the planned session of each weekday, the daily
check-in and how the athlete rates what they did, per-day exceptions, and what must hold over
the sequence::

    description: Intermediate on the week-3 session; the lunge felt hard on day 1 ...
    catalogue: [P1]
    athlete: {programs: [{id: heavy_lifting_for_runners, week: 3}]}
    start: 2026-11-02          # day 1
    weeks: 8                   # or days: N (default 8 weeks)
    week: [strength, easy_run, strength, quality_run, rest, strength, long_run]  # Monday first
    checkin: {recovery_pct: 90, slept_well: true, soreness: 2, life_stress: 3}
    rating: {posture_held: true, felt_easy: true, ready_to_progress: true}
    on_day:                    # day number -> changes for that day
      1:
        exercises: {deficit_reverse_lunge: {felt_easy: false, ready_to_progress: false}}
    expect:
      - exercise_returns: {exercise: deficit_reverse_lunge, after_day: 1, by_day: 10}
      - no_progression: {ladder: pistol_squat, action: advance, before_day: 21}
      - program_turns: {within_days: 14}
      - each_day: {when: {session.kind: strength}, expect: {session.program: {present: true}}}
      - count: {when: {session.kind: hiit}, at_most: 2, window_days: 7}

Expectations (each exactly one key; day numbers are 1-based and inclusive):

- ``program_turns: {within_days, programs?}``: in every run of ``within_days`` days, each of
  ``programs`` (default: every program the athlete is enrolled in) is the day's program once;
- ``exercise_returns: {exercise, after_day, by_day}``: the exercise is in the session on some
  day after ``after_day`` and no later than ``by_day``;
- ``exercise_absent: {exercise, from_day, to_day}``: it is in no session on those days;
- ``progression: {ladder, action, from_day?, to_day?}``: that decision is made at least once;
- ``no_progression: {ladder, action, before_day}``: that decision is never made earlier;
- ``each_day: {when?, expect, from_day?, to_day?}``: on every day whose recommendation meets
  ``when``, ``expect`` holds (the expectation language of rule cases, on the recommendation);
- ``count: {when, at_least?, at_most?, window_days?, from_day?, to_day?}``: how many days meet
  ``when`` (in every window of ``window_days`` days, when given, else over those days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.contract.errors import InputError
from engine.contract.models import SessionKind
from engine.core.evaluator import Evaluator
from engine.loading.yamlio import load_yaml_file, validate_located
from engine.ruletools.cases import TestOutcome, check, document_for, merge
from engine.ruletools.season.properties import SEASON_PROPERTIES
from engine.ruletools.season.simulate import DayScript, Rating, SeasonDay, simulate

SEASONS_DIR = "seasons"
Day = Annotated[int, Field(ge=1)]


class SeasonModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class RatingSpec(SeasonModel):
    posture_held: bool | None = None
    felt_easy: bool | None = None
    ready_to_progress: bool | None = None
    # The reps done, and the load chosen where the card gives none (see Rating).
    reps: Annotated[int, Field(ge=0, le=1000)] | None = None
    load_kg: Annotated[float, Field(gt=0, le=600)] | None = Field(default=None, strict=False)

    def rating(self) -> Rating:
        return Rating(
            self.posture_held, self.felt_easy, self.ready_to_progress, self.reps, self.load_kg
        )

    def over(self, *others: RatingSpec) -> RatingSpec:
        """This spec with each field it leaves out taken from the first of ``others`` that
        gives it."""
        fields = {
            name: next(
                (value for spec in (self, *others) if (value := getattr(spec, name)) is not None),
                None,
            )
            for name in type(self).model_fields
        }
        return RatingSpec(**fields)


class DayChange(SeasonModel):
    checkin: dict[str, Any] = Field(default_factory=dict)
    rating: RatingSpec | None = None
    exercises: dict[str, RatingSpec] = Field(default_factory=dict)
    hiit_recovered: bool | None = None


class ProgramTurns(SeasonModel):
    within_days: Day
    programs: list[str] | None = None


class ExerciseReturns(SeasonModel):
    exercise: str
    after_day: Day
    by_day: Day


class ExerciseAbsent(SeasonModel):
    exercise: str
    from_day: Day = 1
    to_day: Day = 10_000


class ProgressionExpect(SeasonModel):
    ladder: str
    action: str
    from_day: Day = 1
    to_day: Day = 10_000


class NoProgression(SeasonModel):
    ladder: str
    action: str
    before_day: Day


class EachDay(SeasonModel):
    when: dict[str, Any] = Field(default_factory=dict)
    expect: dict[str, Any]
    from_day: Day = 1
    to_day: Day = 10_000


class Count(SeasonModel):
    when: dict[str, Any]
    at_least: int | None = None
    at_most: int | None = None
    window_days: Day | None = None
    from_day: Day = 1
    to_day: Day = 10_000


class SeasonExpectation(SeasonModel):
    program_turns: ProgramTurns | None = None
    exercise_returns: ExerciseReturns | None = None
    exercise_absent: ExerciseAbsent | None = None
    progression: ProgressionExpect | None = None
    no_progression: NoProgression | None = None
    each_day: EachDay | None = None
    count: Count | None = None
    # A season invariant's property holds over this season too (rules/season_invariants.yaml
    # checks it on generated seasons).
    holds: str | None = None

    @model_validator(mode="after")
    def _known_property(self) -> SeasonExpectation:
        if self.holds is not None and self.holds not in SEASON_PROPERTIES:
            raise ValueError(
                f"unknown property {self.holds!r}; known: {', '.join(sorted(SEASON_PROPERTIES))}"
            )
        return self

    @model_validator(mode="after")
    def _exactly_one(self) -> SeasonExpectation:
        present = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(present) != 1:
            raise ValueError(f"an expectation has exactly one kind; found {present or 'none'}")
        return self


class SeasonScenario(SeasonModel):
    description: Annotated[str, Field(min_length=10)]
    catalogue: list[str] = Field(default_factory=list)
    athlete: dict[str, Any] = Field(default_factory=dict)
    start: Annotated[dt.date, Field(strict=False)]
    weeks: Annotated[int, Field(ge=1, le=26)] | None = None
    days_count: Annotated[int, Field(ge=1, le=182)] | None = Field(default=None, alias="days")
    week: Annotated[list[SessionKind | None], Field(min_length=7, max_length=7)]
    checkin: dict[str, Any]
    rating: RatingSpec = RatingSpec()
    # Per-exercise answers for every day (the load the athlete picks by effort, the reps they
    # reach); a day's own answers for an exercise override them field by field.
    exercises: dict[str, RatingSpec] = Field(default_factory=dict)
    changes: dict[int, DayChange] = Field(default_factory=dict, alias="on_day")
    expect: Annotated[list[SeasonExpectation], Field(min_length=1)]

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    @property
    def length(self) -> int:
        return self.days_count or 7 * (self.weeks or 8)

    def scripts(self) -> list[DayScript]:
        out = []
        for index in range(self.length):
            date = self.start + dt.timedelta(days=index)
            change = self.changes.get(index + 1, DayChange())
            checkin = merge(
                {**self.checkin, "planned": self.week[date.weekday()]}, dict(change.checkin)
            )
            day_rating = change.rating or self.rating
            empty = RatingSpec()
            exercises = {
                key: change.exercises.get(key, empty)
                .over(self.exercises.get(key, empty), day_rating)
                .rating()
                for key in {*self.exercises, *change.exercises}
            }
            out.append(
                DayScript(
                    checkin=checkin,
                    rating=day_rating.rating(),
                    exercises=exercises,
                    hiit_recovered=change.hiit_recovered,
                )
            )
        return out


@dataclass(frozen=True)
class LoadedSeason:
    name: str
    scenario: SeasonScenario
    file: str


def load_seasons(rules_root: Path) -> list[LoadedSeason]:
    """Every season scenario of a rule directory; InputError names the file, line and field."""
    out = []
    for path in sorted((rules_root / SEASONS_DIR).glob("*.yaml")):
        display = f"rules/{SEASONS_DIR}/{path.name}"
        located = load_yaml_file(path, display)
        out.append(LoadedSeason(path.stem, validate_located(SeasonScenario, located), display))
    return out


# --- expectations -------------------------------------------------------------------------------


def day_document(day: SeasonDay) -> dict[str, Any]:
    fired = list(dict.fromkeys(entry.rule for entry in day.recommendation.rationale))
    return document_for(day.recommendation, fired)


def _in_session(day: SeasonDay, exercise: str) -> bool:
    return any(
        item.id == exercise
        for block in day.recommendation.session.blocks
        for item in block.exercises
    )


def _decided(day: SeasonDay, ladder: str, action: str) -> bool:
    return any(p.ladder == ladder and p.action == action for p in day.recommendation.progressions)


def _windows(days: Sequence[SeasonDay], width: int) -> Iterator[Sequence[SeasonDay]]:
    for start in range(0, max(1, len(days) - width + 1)):
        yield days[start : start + width]


def _program_turns(
    turns: ProgramTurns, days: Sequence[SeasonDay], enrolled: Sequence[str]
) -> list[str]:
    lines = []
    for window in _windows(days, turns.within_days):
        had = {day.recommendation.session.program for day in window}
        missing = next((p for p in turns.programs or enrolled if p not in had), None)
        if missing is not None:
            lines.append(
                f"{missing} is not the day's program on days {window[0].number}-{window[-1].number}"
            )
    return lines[:3]


def _exercise_returns(back: ExerciseReturns, days: Sequence[SeasonDay]) -> list[str]:
    if any(_in_session(d, back.exercise) for d in days if back.after_day < d.number <= back.by_day):
        return []
    return [f"{back.exercise} is in no session on days {back.after_day + 1}-{back.by_day}"]


def _exercise_absent(absent: ExerciseAbsent, days: Sequence[SeasonDay]) -> list[str]:
    hits = [
        d.number
        for d in days
        if absent.from_day <= d.number <= absent.to_day and _in_session(d, absent.exercise)
    ]
    return [f"{absent.exercise} is in the session on days {hits}"] if hits else []


def _progression(wanted: ProgressionExpect, days: Sequence[SeasonDay]) -> list[str]:
    if any(
        _decided(d, wanted.ladder, wanted.action)
        for d in days
        if wanted.from_day <= d.number <= wanted.to_day
    ):
        return []
    return [f"no {wanted.action} of {wanted.ladder} on days {wanted.from_day}-{wanted.to_day}"]


def _no_progression(never: NoProgression, days: Sequence[SeasonDay]) -> list[str]:
    hits = [
        d.number
        for d in days
        if d.number < never.before_day and _decided(d, never.ladder, never.action)
    ]
    return [f"{never.action} of {never.ladder} on day(s) {hits}"] if hits else []


def _each_day(each: EachDay, days: Sequence[SeasonDay]) -> list[str]:
    lines = []
    for day in days:
        if not each.from_day <= day.number <= each.to_day:
            continue
        doc = day_document(day)
        if check(doc, each.when):
            continue
        lines += [
            f"day {day.number} ({day.request.checkin.date}): {line}"
            for line in check(doc, each.expect)
        ]
    return lines[:5]


def _count_window(count: Count, total: int, where: str) -> list[str]:
    """The bounds one window's count of matching days breaks."""
    lines = []
    if count.at_least is not None and total < count.at_least:
        lines.append(f"{total} matching days on {where}, expected at least {count.at_least}")
    if count.at_most is not None and total > count.at_most:
        lines.append(f"{total} matching days on {where}, expected at most {count.at_most}")
    return lines


def _count(count: Count, days: Sequence[SeasonDay]) -> list[str]:
    first, last = count.from_day - 1, min(len(days), count.to_day)
    matching = [not check(day_document(day), count.when) for day in days[first:last]]
    width = count.window_days or len(matching)
    lines = []
    for start in range(0, max(1, len(matching) - width + 1)):
        total = sum(matching[start : start + width])
        where = f"days {first + start + 1}-{first + min(len(matching), start + width)}"
        lines += _count_window(count, total, where)
    return lines[:3]


def expectation_failures(
    expectation: SeasonExpectation,
    days: Sequence[SeasonDay],
    enrolled: Sequence[str],
    evaluator: Evaluator,
) -> list[str]:
    """What does not hold of one expectation over the season, as readable lines. An
    expectation has exactly one kind (see :class:`SeasonExpectation`); each kind is checked by
    its own function."""
    e = expectation
    if e.holds is not None:
        prop = SEASON_PROPERTIES[e.holds]
        return prop(days, evaluator.kb, evaluator.ruleset.engine_settings)[:5]
    if e.program_turns is not None:
        return _program_turns(e.program_turns, days, enrolled)
    if e.exercise_returns is not None:
        return _exercise_returns(e.exercise_returns, days)
    if e.exercise_absent is not None:
        return _exercise_absent(e.exercise_absent, days)
    if e.progression is not None:
        return _progression(e.progression, days)
    if e.no_progression is not None:
        return _no_progression(e.no_progression, days)
    if e.each_day is not None:
        return _each_day(e.each_day, days)
    assert e.count is not None
    return _count(e.count, days)


@dataclass(frozen=True)
class SeasonRun:
    """A season scenario run: its days (empty when the scenario could not run) and the verdict."""

    loaded: LoadedSeason
    days: list[SeasonDay]
    outcome: TestOutcome


def play_season(evaluator: Evaluator, loaded: LoadedSeason) -> SeasonRun:
    """Run one season scenario and judge its expectations."""
    scenario = loaded.scenario
    test_name = f"season:{loaded.name}"
    # The scenario's athlete fields replace the base athlete's whole (ladders: {} means none).
    athlete = {**evaluator.ruleset.base_request["athlete"], **scenario.athlete}
    try:
        days = simulate(evaluator, athlete, scenario.start, scenario.scripts())
    except (InputError, ValueError) as error:
        return SeasonRun(
            loaded, [], TestOutcome(test_name, False, (f"bad season: {error}",), loaded.file)
        )
    enrolled = [item["id"] for item in athlete.get("programs", [])]
    failures = [
        line
        for expectation in scenario.expect
        for line in expectation_failures(expectation, days, enrolled, evaluator)
    ]
    return SeasonRun(
        loaded, days, TestOutcome(test_name, not failures, tuple(failures), loaded.file)
    )


def run_season(evaluator: Evaluator, loaded: LoadedSeason) -> TestOutcome:
    return play_season(evaluator, loaded).outcome


def iter_season_outcomes(evaluator: Evaluator, pattern: str | None = None) -> Iterator[TestOutcome]:
    """Run every season scenario of the evaluator's rule directory (optionally filtered)."""
    for loaded in load_seasons(evaluator.ruleset.root):
        if pattern and pattern not in f"season:{loaded.name}":
            continue
        yield run_season(evaluator, loaded)
