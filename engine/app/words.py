"""The athlete's vocabulary: session kinds, intensities and pain areas in words, knowledge-base
ids as their names, and engine text with the coach's and rule author's references taken out.

The engine's notes are written for the trace ("Not today: squat_depth on a mobility day
(RS803)", "... (our reading, catalogue D.1-9)"); the athlete reads the same note with names for
ids and without the references, which stay in the coach's views.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from engine.contract.formatting import fmt_value

if TYPE_CHECKING:  # the card's names come cached as plain data: no knowledge-base classes
    from engine.knowledge.base import KnowledgeBase

# Session kinds as the athlete says them (the engine's vocabulary is SESSION_KINDS).
KIND_WORDS: Mapping[str, str] = {
    "strength": "Strength",
    "hiit": "HIIT",
    "mobility": "Mobility",
    "easy_run": "Easy run",
    "quality_run": "Quality run",
    "long_run": "Long run",
    "cross_training": "Cross-training",
    "rest": "Rest day",
}

INTENSITY_WORDS: Mapping[str, str] = {
    "rest": "rest",
    "low": "easy",
    "moderate": "moderate",
    "high": "hard",
}

# A coach's reason codes for a rejection (engine.storage.reviews.REASON_CODES), in words.
REASON_WORDS: Mapping[str, str] = {
    "athlete_context": "the athlete's circumstances",
    "disagree_with_rule": "I disagree with the rule",
    "data_error": "the data is wrong",
    "other": "another reason",
}

# Pain areas whose id is not already a word.
_AREA_WORDS: Mapping[str, str] = {"low_back": "lower back", "upper_back": "upper back"}

# A parenthesis that only holds references for the coach: a rule id, a source or default id,
# an author's reading of the catalogue.
_REFERENCE = re.compile(
    r"\s*\([^()]*\b(?:RS\d+|d\d_[a-z0-9_]+|default_[a-z0-9_]+|our reading|catalogue)\b[^()]*\)"
)
_CALL = re.compile(r"^(\w+)\((.*)\)$")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_BRACKETED_ID = re.compile(r"\(([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\)")


def kind_words(kind: str | None) -> str:
    if kind is None:
        return ""
    return KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())


def value_words(value: object) -> str:
    """A value as a person reads it: yes or no rather than True or False."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return fmt_value(value)


def reason_words(code: str) -> str:
    return REASON_WORDS.get(code, code.replace("_", " "))


def area_words(area: str) -> str:
    return _AREA_WORDS.get(area, area.replace("_", " "))


def intensity_words(intensity: str) -> str:
    return INTENSITY_WORDS.get(intensity, intensity)


def kb_names(kb: KnowledgeBase) -> dict[str, str]:
    """The knowledge base's names for its ids (equipment, programs, ladders, exercises)."""
    names: dict[str, str] = {}
    for table in (kb.equipment, kb.programs, kb.ladders, kb.exercises):
        names.update({key: entry.name for key, entry in table.items()})
    return names


class Names:
    """Knowledge-base ids (exercises, ladders, programs, equipment) and engine vocabulary as
    the names a person reads, from the knowledge base's names as plain data (:func:`kb_names`),
    so that a card can be worded from a cache without the knowledge-base classes."""

    def __init__(self, names: Mapping[str, str]) -> None:
        merged = dict(names)
        merged.update({kind: words.lower() for kind, words in KIND_WORDS.items()})
        merged.update(_AREA_WORDS)
        self._names = merged

    def name(self, entity_id: str) -> str:
        """The name of an id; an id nobody named reads as words ("knee_drive": "knee drive")."""
        return self._names.get(entity_id, entity_id.replace("_", " "))

    def plain(self, text: str) -> str:
        """Engine text in the athlete's words: references out, ids as names."""
        cleaned = _REFERENCE.sub("", text)
        # An id alone in brackets becomes its name there, flattened so brackets do not nest.
        cleaned = _BRACKETED_ID.sub(
            lambda match: f"({self.name(match[1]).replace(' (', ', ').replace(')', '')})",
            cleaned,
        )
        cleaned = _SNAKE.sub(lambda match: self.name(match[0]), cleaned)
        return cleaned.strip()

    def value(self, value: object) -> str:
        """A matched fact value as words (for an athlete-facing sentence's placeholders)."""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        text = str(value)
        return self.name(text) if _SNAKE.fullmatch(text) or text in self._names else text


class Namer(Names):
    """:class:`Names` with the knowledge base at hand, for the views that read more of it."""

    def __init__(self, kb: KnowledgeBase) -> None:
        super().__init__(kb_names(kb))
        self.kb = kb


def concluded_words(text: str) -> str:
    """A conclusion as the trace stored it ("derived(value=used, name=hiit_budget)") in words
    ("derived hiit_budget: used"), not as a Python call."""
    match = _CALL.match(text)
    if match is None:
        return text
    kind, inside = match.groups()
    pairs = dict(part.split("=", 1) for part in re.split(r", (?=\w+=)", inside) if "=" in part)
    if "name" in pairs and "value" in pairs:
        return f"{kind} {pairs.pop('name')}: {pairs.pop('value')}"
    return f"{kind}: " + ", ".join(f"{key} {value}" for key, value in pairs.items() if value)
