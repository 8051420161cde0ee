"""Which logged sessions count as HIIT, strength and loaded lower-body strength, and what an
intense session recorded about the athlete's recovery: one classification for the features the
rules see, the history view and the season invariants.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from engine.contract.models import SessionLog
from engine.knowledge.base import KnowledgeBase
from engine.rulebook.engine_settings import EngineSettings


@dataclass(frozen=True)
class SessionClassifier:
    """Which logged sessions count as HIIT, strength and lower-body strength.

    Built once from the knowledge base and settings (:meth:`from_kb`); the features the
    rules see and the history view both classify sessions with it. The empty default knows
    only the session kinds.
    """

    hiit_variants: frozenset[tuple[str, str]] = frozenset()
    lower_body_programs: frozenset[str] = frozenset()
    known_programs: frozenset[str] = frozenset()
    lower_body_exercises: frozenset[str] = frozenset()
    # Lower-body strength exercises with an external load, and the lower-body programs whose
    # main work holds one: what the recovery gap between loaded leg sessions counts.
    loaded_lower_body_exercises: frozenset[str] = frozenset()
    loaded_lower_body_programs: frozenset[str] = frozenset()
    count_quality_runs: bool = False

    @classmethod
    def from_kb(cls, kb: KnowledgeBase, settings: EngineSettings) -> SessionClassifier:
        """The classifier the engine's features use, from the knowledge base and settings."""
        categories = set(settings.planning.lower_body_strength_categories)
        loaded = frozenset(
            e.id
            for e in kb.exercises.values()
            if e.region == "lower" and e.category in categories and e.load == "external"
        )
        return cls(
            hiit_variants=frozenset(
                (program.id, variant.id)
                for program in kb.programs.values()
                for variant in program.variants
                if variant.counts_as_hiit
            ),
            lower_body_programs=frozenset(p.id for p in kb.programs.values() if p.lower_body),
            known_programs=frozenset(kb.programs),
            lower_body_exercises=frozenset(
                e.id for e in kb.exercises.values() if e.region == "lower"
            ),
            loaded_lower_body_exercises=loaded,
            loaded_lower_body_programs=frozenset(
                program.id
                for program in kb.programs.values()
                if program.lower_body
                and any(
                    entry.exercise in loaded
                    for variant in program.variants
                    for block in variant.blocks
                    if block.role == "main"
                    for entry in block.exercises
                )
            ),
            count_quality_runs=settings.hiit.count_quality_runs,
        )

    def is_hiit(self, session: SessionLog) -> bool:
        """A HIIT session, a quality run when the settings count those, or a HIIT variant."""
        if session.kind == "hiit":
            return True
        if session.kind == "quality_run" and self.count_quality_runs:
            return True
        return (session.program or "", session.variant or "") in self.hiit_variants

    @staticmethod
    def is_strength(session: SessionLog) -> bool:
        return session.kind == "strength"

    def is_lower_body_strength(self, session: SessionLog) -> bool:
        """A strength session of a lower-body program, or with a lower-body exercise."""
        if session.kind != "strength":
            return False
        if session.program and session.program in self.known_programs:
            return session.program in self.lower_body_programs
        return any(item.id in self.lower_body_exercises for item in session.exercises)

    def is_loaded_lower_body_strength(self, session: SessionLog) -> bool:
        """A strength session that loaded the legs: a loaded lower-body exercise logged, or,
        when no exercises were logged, a program whose main work is loaded leg work."""
        if session.kind != "strength":
            return False
        if session.exercises:
            return any(item.id in self.loaded_lower_body_exercises for item in session.exercises)
        return (session.program or "") in self.loaded_lower_body_programs


# Keyed by the knowledge base's id, with a weak reference to it: an id can be reused once a
# base is garbage-collected, and a reloaded base must never get the old one's classifier.
_CLASSIFIERS: dict[
    tuple[int, bool, tuple[str, ...]], tuple[weakref.ref[KnowledgeBase], SessionClassifier]
] = {}


def classifier_for(kb: KnowledgeBase, settings: EngineSettings) -> SessionClassifier:
    """One classifier per knowledge base and settings: building it walks the whole base."""
    count_quality_runs = settings.hiit.count_quality_runs
    categories = tuple(settings.planning.lower_body_strength_categories)
    key = (id(kb), count_quality_runs, categories)
    cached = _CLASSIFIERS.get(key)
    if cached is not None and cached[0]() is kb:
        return cached[1]
    classifier = SessionClassifier.from_kb(kb, settings)
    _CLASSIFIERS[key] = (weakref.ref(kb), classifier)
    return classifier


def recovery_failed(session: SessionLog) -> bool:
    """An intense session the athlete did not recover from: heart rate that did not settle, or
    a poor night after it."""
    return session.hr_back_to_normal is False or session.slept_well_after is False


def recorded_recovery(session: SessionLog) -> bool:
    """Whether an intense session recorded how the athlete recovered from it."""
    return any(
        flag is not None
        for flag in (
            session.hr_back_to_normal,
            session.slept_well_after,
            session.recovered_between_intervals,
        )
    )
