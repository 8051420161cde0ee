"""Turn an evaluation request into the facts rules match.

Everything time-based is computed here in plain Python (and tested on its own): HIIT sessions in
the last 7 days, hours until the next quality run, sessions of each program this week, weeks on
the current ladder stage, whether recent sessions of a stage's exercise held posture and felt
easy, consecutive weeks of heavy loading, and the last HIIT's recovery flags.

Time reference: check-ins and logs carry dates, not times, so a dated session is taken to
happen at ``schedule.session_hour`` (a setting). Planned runs given with a time use that time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from engine.contract.models import EvaluationRequest, ExerciseLog, SessionLog
from engine.core.classification import (
    classifier_for,
    recorded_recovery,
    recovery_failed,
)
from engine.core.practice_facts import exercise_facts, ladder_facts, tri
from engine.core.rotation import rotation_ranks, rotation_reason
from engine.core.running_load import running_load
from engine.core.strength import OneRepMax, exercise_logs, one_rep_maxes
from engine.knowledge.base import KnowledgeBase
from engine.rulebook.engine_settings import EngineSettings
from engine.rulebook.facts import (
    NO_UPCOMING_HOURS,
    AthleteFact,
    CheckinFact,
    FactModel,
    HistoryFact,
    PainFact,
    ProgramFact,
)

QUALITY_KINDS = frozenset({"quality_run", "long_run"})
RHYTHMIC_CARDIO_KINDS = frozenset({"easy_run", "long_run", "quality_run", "cross_training"})
NO_SESSION_DAYS = 999
NO_SESSION_HOURS = 9999

_MOVEMENT_WORDS: tuple[tuple[str, str], ...] = (
    ("jump", r"jump|pogo|plyo|hop|bound"),
    ("lunge", r"lunge|split"),
    ("hinge", r"deadlift|hinge|rdl|swing|good ?morning"),
    ("squat", r"squat|pistol"),
    ("run", r"run|sprint|stride"),
)
_MOVEMENT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("jump", "jump"),
    ("lunge", "lunge"),
    ("hinge", "hinge"),
    ("squat", "squat"),
)


@dataclass(frozen=True)
class FactBundle:
    """The input facts of one evaluation, as typed models keyed by fact type."""

    facts: list[tuple[str, FactModel]]
    # The athlete's 1RM per exercise the facts were built on; the planner turns % into kg with
    # the same numbers.
    one_rep_maxes: dict[str, OneRepMax] = field(default_factory=dict)

    @cached_property
    def _dumped(self) -> list[tuple[str, dict[str, Any]]]:
        """Each fact as a dict, dumped once: the rules get them (``as_dicts``) and the coach
        sees them (``features``); neither changes them."""
        return [(fact_type, model.model_dump()) for fact_type, model in self.facts]

    def as_dicts(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        counters: dict[str, int] = {}
        for fact_type, data in self._dumped:
            index = counters.get(fact_type, 0)
            counters[fact_type] = index + 1
            out.append({"id": f"{fact_type}.{index}", "type": fact_type, **data})
        return out

    @property
    def history(self) -> dict[str, Any]:
        """The history fact's fields (every evaluation has exactly one)."""
        return next(data for fact_type, data in self._dumped if fact_type == "history")

    def features(self) -> dict[str, Any]:
        """What a coach sees of the facts: one entry per single fact, lists for the rest."""
        out: dict[str, Any] = {}
        for fact_type, data in self._dumped:
            if fact_type in {"history", "athlete", "checkin"}:
                out[fact_type] = data
            elif fact_type == "program":
                out.setdefault("programs", {})[data["program"]] = data
            elif fact_type == "ladder":
                out.setdefault("ladders", {})[data["ladder"]] = data
            elif fact_type == "exercise":
                out.setdefault("exercises", {})[data["exercise"]] = data
            elif fact_type == "pain":
                out.setdefault("pain", []).append(data)
        return out


def _iso_week(day: dt.date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def _at(value: dt.date | dt.datetime, session_hour: int) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time(hour=session_hour))


def _hours(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 3600)


def _rated(session: SessionLog) -> bool:
    """A session whose exercises all say whether posture held and how easy it felt."""
    return bool(session.exercises) and all(
        item.posture_held is not None and item.felt_easy is not None for item in session.exercises
    )


def _clean(session: SessionLog) -> bool:
    """A rated session whose every exercise held posture and felt fairly easy."""
    return all(item.posture_held and item.felt_easy for item in session.exercises)


class FeatureBuilder:
    """Computes facts for one request; settings supply the tunable numbers."""

    def __init__(
        self, request: EvaluationRequest, kb: KnowledgeBase, settings: EngineSettings
    ) -> None:
        self.request = request
        self.kb = kb
        self.settings = settings
        self.today = request.checkin.date
        self.session_hour = settings.schedule.session_hour
        self.now = _at(self.today, self.session_hour)
        self.classifier = classifier_for(kb, settings)
        self.history = sorted(request.history, key=lambda session: session.date)
        # Computed once: most features ask the same questions of every session.
        this_week = _iso_week(self.today)
        self.this_week_sessions = [s for s in self.history if _iso_week(s.date) == this_week]
        # The quality and long runs still ahead, soonest first (the 48-hour spacing reads them).
        self.quality_ahead = sorted(
            (
                (when, run.kind)
                for run in request.upcoming
                if run.kind in QUALITY_KINDS
                and (when := _at(run.date, self.session_hour)) >= self.now
            ),
            key=lambda item: item[0],
        )
        # The strength days the athlete has planned later this week, one per day.
        later: dict[dt.date, dt.datetime] = {}
        for run in request.upcoming:
            when = _at(run.date, self.session_hour)
            day = when.date()
            if run.kind == "strength" and day > self.today and _iso_week(day) == this_week:
                later.setdefault(day, when)
        self.planned_strength_later = sorted(later.values())
        self.last_7_days = [s for s in self.history if 0 <= (self.today - s.date).days < 7]

    # --- classification ---

    def is_hiit(self, session: SessionLog) -> bool:
        return self.classifier.is_hiit(session)

    def is_lower_body_strength(self, session: SessionLog) -> bool:
        return self.classifier.is_lower_body_strength(session)

    def is_heavy(self, session: SessionLog) -> bool:
        """A session with a set at or above the heavy % of the exercise's 1RM (entered or
        estimated: sets of about five or fewer near failure come out heavy)."""
        maxes = self.one_rep_maxes
        threshold = self._heavy_fraction
        for item in session.exercises:
            one_rm = maxes.get(item.id)
            if one_rm and item.load_kg is not None and item.load_kg >= threshold * one_rm.kg:
                return True
        return False

    @cached_property
    def _heavy_fraction(self) -> float:
        # Read on the first session asked about (a replay notes which settings were read).
        return self.settings.load.heavy_min_pct / 100

    def within_days(self, session: SessionLog, days: int) -> bool:
        return 0 <= (self.today - session.date).days < days

    # --- facts ---

    def athlete(self) -> AthleteFact:
        athlete = self.request.athlete
        enrolled = [self.kb.programs[e.id] for e in athlete.programs if e.id in self.kb.programs]
        return AthleteFact(
            level=athlete.level,
            experienced=athlete.level != "beginner",
            has_strength_program=any(
                enrollment.id in self.kb.programs
                and self.kb.programs[enrollment.id].session_kind == "strength"
                for enrollment in athlete.programs
            ),
            program_count=len(athlete.programs),
            has_coach=athlete.has_coach,
            has_one_rep_max=bool(self.one_rep_maxes),
            has_lower_body_program=any(program.lower_body for program in enrolled),
            lightest_bar_kg=self.lightest_bar_kg,
        )

    def checkin(self) -> CheckinFact:
        checkin = self.request.checkin
        return CheckinFact(
            recovery_pct=checkin.recovery_pct,
            slept_well=checkin.slept_well,
            soreness=checkin.soreness,
            life_stress=checkin.life_stress,
            planned=checkin.planned or "none",
            pain_count=len(checkin.pain),
            max_pain_severity=max((pain.severity for pain in checkin.pain), default=0),
            makeup_pain_max=self.makeup_pain_max(),
            weekday=self.today.isoweekday(),
        )

    def makeup_pain_max(self) -> int:
        """The worst pain today in an area a strength session would load, or 0."""
        pains = self.request.checkin.pain
        if not pains:
            return 0
        # Read only when there is pain, so replay sees which plans depend on the setting.
        areas = set(self.settings.planning.makeup_pain_areas)
        return max((pain.severity for pain in pains if pain.area in areas), default=0)

    def movement_of(self, during: str | None) -> tuple[str, bool]:
        if not during:
            return "unknown", False
        exercise = self.kb.exercises.get(during)
        if exercise is not None:
            for movement, pattern in _MOVEMENT_PATTERNS:
                if pattern in exercise.patterns:
                    return movement, True
            return "other", True
        text = during.lower()
        for movement, words in _MOVEMENT_WORDS:
            if re.search(words, text):
                return movement, False
        return "other", False

    def pains(self) -> list[PainFact]:
        facts = []
        for pain in self.request.checkin.pain:
            movement, known = self.movement_of(pain.during)
            facts.append(
                PainFact(
                    area=pain.area,
                    severity=pain.severity,
                    during=pain.during or "",
                    during_movement=movement,
                    during_known_exercise=known,
                )
            )
        return facts

    def history_fact(self) -> HistoryFact:
        return HistoryFact(
            **self._counts_last_7_days(),
            **self._hours_since_last(),
            **self._quality_ahead_fields(),
            **self._hiit_recovery(),
            consecutive_heavy_weeks=self.consecutive_heavy_weeks(),
            heavy_this_week=any(self.is_heavy(session) for session in self.this_week_sessions),
            **running_load(self.history, self.today),
            trunk_stability_weeks=next(
                (
                    max(0, (self.today - session.date).days // 7)
                    for session in self.history
                    if session.program == "trunk_stability"
                ),
                0,
            ),
        )

    def _counts_last_7_days(self) -> dict[str, Any]:
        """How many sessions of each kind in the last 7 days (and this ISO week's legs)."""
        last7 = self.last_7_days
        return {
            "hiit_last_7_days": sum(1 for session in last7 if self.is_hiit(session)),
            "strength_last_7_days": sum(1 for session in last7 if session.kind == "strength"),
            "lower_body_strength_last_7_days": sum(
                1 for session in last7 if self.is_lower_body_strength(session)
            ),
            "lower_body_strength_this_week": sum(
                1 for session in self.this_week_sessions if self.is_lower_body_strength(session)
            ),
            "rhythmic_cardio_last_7_days": sum(
                1 for session in last7 if session.kind in RHYTHMIC_CARDIO_KINDS
            ),
            "sessions_last_7_days": sum(1 for session in last7 if session.kind != "rest"),
            "quality_runs_counted_last_7_days": sum(
                1 for session in last7 if session.kind == "quality_run" and self.is_hiit(session)
            ),
        }

    def _hours_since(self, sessions: list[SessionLog]) -> int:
        """Hours since the last of ``sessions`` (history order), or the no-session sentinel."""
        if not sessions:
            return NO_SESSION_HOURS
        return _hours(self.now - _at(sessions[-1].date, self.session_hour))

    def _hours_since_last(self) -> dict[str, Any]:
        """How long since the last session of each kind the spacing rules read."""
        classifier = self.classifier
        return {
            "days_since_last_session": min(
                (
                    (self.today - session.date).days
                    for session in self.history
                    if session.kind != "rest"
                ),
                default=NO_SESSION_DAYS,
            ),
            "hours_since_last_lower_body": self._hours_since(
                [session for session in self.history if self.is_lower_body_strength(session)]
            ),
            "hours_since_last_loaded_lower_body": self._hours_since(
                [s for s in self.history if classifier.is_loaded_lower_body_strength(s)]
            ),
            "hours_since_last_quality": self._hours_since(
                [session for session in self.history if session.kind in QUALITY_KINDS]
            ),
        }

    def _quality_ahead_fields(self) -> dict[str, Any]:
        """The next quality or long run, and whether one falls today."""
        planned = self.request.checkin.planned
        # A quality run planned for today counts whatever its time, even one before the
        # assumed session hour (which quality_ahead leaves out).
        quality_today = planned in QUALITY_KINDS or any(
            run.kind in QUALITY_KINDS and _at(run.date, self.session_hour).date() == self.today
            for run in self.request.upcoming
        )
        if not self.quality_ahead:
            return {
                "hours_to_next_quality": NO_UPCOMING_HOURS,
                "next_quality_kind": "none",
                "quality_today": quality_today,
            }
        next_when, next_kind = self.quality_ahead[0]
        return {
            "hours_to_next_quality": _hours(next_when - self.now),
            "next_quality_kind": next_kind,
            "quality_today": quality_today,
        }

    def _hiit_recovery(self) -> dict[str, Any]:
        """The last intense session, and how the athlete recovered from those that said."""
        hiit_sessions = [session for session in self.history if self.is_hiit(session)]
        # Recovery is judged on the intense sessions that recorded it: a quality run or a
        # conditioning circuit logged since, with no recovery flags, is no evidence that the
        # athlete now recovers well, so it must not erase a failed HIIT's signals.
        flagged = [session for session in hiit_sessions if recorded_recovery(session)]
        failures = 0
        for session in reversed(flagged):
            if not recovery_failed(session):
                break
            failures += 1
        last = flagged[-1] if flagged else None
        return {
            "days_since_last_hiit": (
                (self.today - hiit_sessions[-1].date).days if hiit_sessions else NO_SESSION_DAYS
            ),
            "last_hiit_hr_back_to_normal": tri(last.hr_back_to_normal if last else None),
            "last_hiit_slept_well_after": tri(last.slept_well_after if last else None),
            "last_hiit_recovered_between_intervals": tri(
                last.recovered_between_intervals if last else None
            ),
            "last_hiit_recovery_failed": bool(last and recovery_failed(last)),
            "hiit_recovery_failures_in_a_row": failures,
        }

    def consecutive_heavy_weeks(self) -> int:
        """Heavy ISO weeks in a row, counting back from last week."""
        heavy_weeks = {
            _iso_week(session.date) for session in self.history if self.is_heavy(session)
        }
        count = 0
        monday = self.today - dt.timedelta(days=self.today.isoweekday() - 1)
        probe = monday - dt.timedelta(days=7)
        while _iso_week(probe) in heavy_weeks:
            count += 1
            probe -= dt.timedelta(days=7)
        return count

    def programs(self) -> list[ProgramFact]:
        # Facts go out in program-id order, so the order of the profile's list never changes
        # what the rules see or the order they conclude in.
        enrolled = sorted(
            (e for e in self.request.athlete.programs if e.id in self.kb.programs),
            key=lambda enrollment: enrollment.id,
        )
        rows = [self._program_row(enrollment.id, enrollment.week) for enrollment in enrolled]
        ranks = rotation_ranks(rows)
        return [
            ProgramFact(
                **row,
                rotation_rank=ranks[row["program"]],
                rotation_reason=rotation_reason(row, NO_SESSION_DAYS),
            )
            for row in rows
        ]

    def _program_row(self, program_id: str, week: int) -> dict[str, Any]:
        program = self.kb.programs[program_id]
        done = [session for session in self.history if session.program == program_id]
        this_week = sum(1 for session in self.this_week_sessions if session.program == program_id)
        minimum = program.frequency.min_per_week if program.frequency else None
        maximum = program.frequency.max_per_week if program.frequency else None
        rated = [session for session in done if _rated(session)]
        window = self.settings.program.clean_sessions_for_change
        recent = rated[-window:]
        return {
            "program": program_id,
            "week": week,
            "sessions_this_week": this_week,
            "sessions_last_7_days": sum(1 for session in done if self.within_days(session, 7)),
            "min_per_week": minimum or 0,
            "max_per_week": maximum or 99,
            "below_minimum": minimum is not None and this_week < minimum,
            "planned_strength_days_left": (left := self.planned_days_for(program.lower_body)),
            "short_of_minimum": minimum is not None and this_week + left < minimum,
            "at_maximum": maximum is not None and this_week >= maximum,
            "weekly_deficit": max(0, (minimum or 0) - this_week),
            "lower_body": program.lower_body,
            "days_since_last": min(
                ((self.today - session.date).days for session in done),
                default=NO_SESSION_DAYS,
            ),
            "weeks_practised": max(0, (self.today - done[0].date).days // 7) if done else 0,
            "recent_rated_sessions": len(recent),
            "recent_clean": (
                "unknown"
                if len(recent) < window
                else tri(all(_clean(session) for session in recent))
            ),
            "missing_one_rep_max": self.missing_one_rep_max(program_id),
        }

    def planned_days_for(self, lower_body: bool) -> int:
        """The planned strength days later this week that can take a program: for lower-body
        work, only those clear of the quality-run gap before a planned quality or long run (a
        Wednesday strength day before Thursday's intervals will be turned into mobility)."""
        if not lower_body or not self.planned_strength_later:
            return len(self.planned_strength_later)
        # Read only when a planned day has to be judged, so replay sees which plans depend on it.
        gap = dt.timedelta(hours=self.settings.schedule.quality_gap_hours)
        return sum(
            1
            for when in self.planned_strength_later
            if not any(dt.timedelta(0) <= run - when < gap for run, _ in self.quality_ahead)
        )

    @property
    def lightest_bar_kg(self) -> float:
        """The athlete's lightest bar, or a standard one when the profile lists none."""
        bars = self.request.athlete.barbells_kg
        return float(min(bars) if bars else self.settings.load.standard_bar_kg)

    @cached_property
    def exercise_logs(self) -> dict[str, list[tuple[SessionLog, ExerciseLog]]]:
        """Each exercise's logs with their sessions, oldest first (the history, indexed)."""
        return exercise_logs(self.history)

    @cached_property
    def one_rep_maxes(self) -> dict[str, OneRepMax]:
        """The 1RM per exercise, entered or estimated from the logged sets."""
        request = self.request
        # The history already in date order: the estimate's own sort then only checks it.
        return one_rep_maxes(request.athlete, self.history, self.today, self.settings, self.kb)

    def missing_one_rep_max(self, program_id: str) -> bool:
        program = self.kb.programs[program_id]
        maxes = self.one_rep_maxes
        variant = program.variant(program.default_variant)
        return any(
            entry.exercise not in maxes
            for block in variant.blocks
            if block.role == "main"
            for entry in block.exercises
            if self.kb.exercises[entry.exercise].load == "external"
        )

    def build(self) -> FactBundle:
        facts: list[tuple[str, FactModel]] = [
            ("athlete", self.athlete()),
            ("checkin", self.checkin()),
            ("history", self.history_fact()),
        ]
        facts.extend(("pain", fact) for fact in self.pains())
        facts.extend(("program", fact) for fact in self.programs())
        facts.extend(("ladder", fact) for fact in ladder_facts(self))
        facts.extend(("exercise", fact) for fact in exercise_facts(self))
        return FactBundle(facts, self.one_rep_maxes)


def build_facts(
    request: EvaluationRequest, kb: KnowledgeBase, settings: EngineSettings
) -> FactBundle:
    return FeatureBuilder(request, kb, settings).build()
