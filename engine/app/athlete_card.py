"""The athlete's card: one view model of the day's session in plain words, for every front end
the athlete uses (``checkin``, ``today``, ``week``, the phone pages, the API's athlete views),
as text or JSON.

Built from a stored recommendation (the coach's amended session when there is one) and the
knowledge base. It holds names, not ids; one short reason per change from the athlete's plan,
from the rules' athlete-facing sentences (``tell:`` in the rule files); loads in kilograms with
where they came from, or an effort target. Rule ids, sources, matched facts and the rules
version stay in the coach's views and behind ``--why``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from engine.app.session_lines import hiit_lines, rest_text
from engine.app.words import Namer, Names, area_words, intensity_words, kind_words
from engine.contract.formatting import fmt_value
from engine.contract.models import (
    LoadChange,
    PrescribedExercise,
    Progression,
    Recommendation,
    Session,
    SessionBlock,
)

if TYPE_CHECKING:  # a card worded from the cached words (today) needs neither class
    from engine.knowledge.base import KnowledgeBase
    from engine.rulebook.ruleset import RuleSet

# What each review status means to the athlete.
STATUS_TEXT = {
    "pending": "waiting for your coach's review",
    "approved": "approved by your coach",
    "amended": "amended by your coach: this is the coach's version",
    "rejected": "rejected by your coach",
    "final": "final: no coach reviews it",
}

_RULE_ID = re.compile(r"\bRS\d+\b")
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\}")


class _CardModel(BaseModel):
    """A part of the card. The card is built by this module from a validated recommendation,
    so it is constructed without validation (``model_construct``), and its schema is built
    only when a card is serialised (the JSON views): ``today``'s text never pays for it."""

    model_config = ConfigDict(defer_build=True)


class CardExercise(_CardModel):
    name: str
    dose: str = ""
    # Kilograms and where they came from, or how to choose a load by effort.
    load: str = ""
    notes: list[str] = Field(default_factory=list)


class CardBlock(_CardModel):
    name: str
    rounds: int
    rest: str = ""
    exercises: list[CardExercise] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class AthleteCard(_CardModel):
    """The day's session as the athlete reads it: the JSON of ``today --format json``,
    ``checkin --format json`` and the API's athlete views."""

    athlete: str
    date: dt.date
    id: int | None = None
    status: str | None = None
    status_text: str | None = None
    coach_note: str | None = None
    amended_by_coach: bool = False
    title: str
    session: str  # the kind in words ("Easy run")
    intensity: str
    planned: str | None = None  # what the athlete planned, in words
    # One short reason per change from the plan ("No heavy legs today: ...").
    changes: list[str] = Field(default_factory=list)
    pain: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    blocks: list[CardBlock] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    hiit: list[str] = Field(default_factory=list)
    load_changes: list[str] = Field(default_factory=list)
    ladders: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class CardWords:
    """What a card needs besides the recommendation: names for ids, and each rule's
    athlete-facing sentence (rule id -> text with ``{alias.field}`` placeholders)."""

    namer: Names
    tells: Mapping[str, str]


def card_words(kb: KnowledgeBase, ruleset: RuleSet) -> CardWords:
    """Names from the knowledge base, sentences from the rules that have one."""
    tells = {rule.spec.id: rule.spec.tell for rule in ruleset.rules if rule.spec.tell}
    return CardWords(Namer(kb), tells)


@dataclass(frozen=True)
class Review:
    """Where the recommendation stands with the coach, for the card's header."""

    id: int | None = None
    status: str | None = None
    coach_note: str | None = None
    amended_session: Session | None = None


def athlete_card(
    recommendation: Recommendation, words: CardWords, review: Review | None = None
) -> AthleteCard:
    """The card of a recommendation, with the coach's amended session when there is one."""
    review = review or Review()
    namer = words.namer
    session = review.amended_session or recommendation.session
    features = recommendation.features
    planned = features.get("checkin", {}).get("planned")
    return AthleteCard.model_construct(
        athlete=recommendation.athlete,
        date=recommendation.date,
        id=review.id,
        status=review.status,
        status_text=STATUS_TEXT.get(review.status, review.status) if review.status else None,
        coach_note=review.coach_note,
        amended_by_coach=review.amended_session is not None,
        title=namer.plain(session.title) or kind_words(session.kind),
        session=kind_words(session.kind),
        intensity=intensity_words(session.intensity),
        planned=kind_words(planned) if planned else None,
        changes=plan_changes(recommendation, words, planned, review.amended_session),
        pain=[
            f"{area_words(str(pain['area']))} {pain['severity']}/10"
            for pain in features.get("pain", [])
        ],
        notes=_unique(namer.plain(note) for note in session.notes),
        blocks=[_block(block, namer) for block in session.blocks],
        warnings=_unique(namer.plain(warning.message) for warning in recommendation.warnings),
        hiit=[namer.plain(line) for line in hiit_lines(recommendation.hiit)],
        load_changes=[load_change_text(change) for change in recommendation.load_changes],
        ladders=[ladder_text(move, namer) for move in recommendation.progressions],
    )


# --- the reasons -------------------------------------------------------------------------------


def plan_changes(
    recommendation: Recommendation,
    words: CardWords,
    planned: str | None,
    amended: Session | None,
) -> list[str]:
    """One sentence per way the session differs from the athlete's plan: the session kind (the
    rule that blocked the planned session, or the one that proposed today's instead), then each
    rule the card's notes cite (swaps, left-out work, added work)."""
    reasons: list[str] = []
    session = recommendation.session
    if amended is not None and (amended.kind, amended.program) != (session.kind, session.program):
        reasons.append("Your coach changed today's session.")
    elif planned:
        kind_reason = _plan_change(recommendation, words, planned)
        if kind_reason:
            reasons.append(kind_reason)
    shown = amended or session
    for rule in dict.fromkeys(_RULE_ID.findall(" ".join(_session_texts(shown)))):
        told = tell(recommendation, words, rule)
        if told:
            reasons.append(told)
    return _unique(reasons)


def _plan_change(recommendation: Recommendation, words: CardWords, planned: str) -> str | None:
    """Why today is not the session the athlete planned: another kind, or the same kind with
    the planned program blocked (a pull workout in place of heavy legs)."""
    alternatives = recommendation.alternatives
    chosen = next((alt for alt in alternatives if alt.outcome == "chosen"), None)
    same_kind = planned == recommendation.session.kind
    blocked = [
        alt
        for alt in alternatives
        if alt.kind == planned
        and alt.outcome == "blocked"
        and not (same_kind and chosen is not None and alt.priority < chosen.priority)
    ]
    if same_kind and not blocked:
        return None
    for alt in blocked:
        for rule in _RULE_ID.findall(alt.reason):
            told = tell(recommendation, words, rule)
            if told:
                return told
    if chosen is not None:
        told = tell(recommendation, words, chosen.proposed_by)
        if told:
            return told
    if blocked:  # no sentence written for it: the planner's reason, in words
        return words.namer.plain(blocked[0].reason).capitalize() + "."
    return None


def tell(recommendation: Recommendation, words: CardWords, rule: str) -> str | None:
    """A rule's athlete-facing sentence, filled with the values it matched (from the trace)."""
    template = words.tells.get(rule)
    if template is None:
        return None
    entry = next((item for item in recommendation.rationale if item.rule == rule), None)
    matched: dict[str, dict[str, Any]] = entry.matched if entry else {}

    def value(match: re.Match[str]) -> str:
        fact = matched.get(match[1], {})
        return words.namer.value(fact[match[2]]) if match[2] in fact else match[0]

    text = _PLACEHOLDER.sub(value, template)
    return None if _PLACEHOLDER.search(text) else text


def _session_texts(session: Session) -> Iterator[str]:
    yield from session.notes
    for block in session.blocks:
        yield from block.notes
        for item in block.exercises:
            yield from item.notes


# --- exercises and loads -----------------------------------------------------------------------


def _block(block: SessionBlock, namer: Names) -> CardBlock:
    return CardBlock.model_construct(
        name=namer.plain(block.name),
        rounds=block.rounds,
        rest=rest_text(block),
        exercises=[_exercise(item, namer) for item in block.exercises],
        notes=_unique(namer.plain(note) for note in block.notes),
    )


def _exercise(item: PrescribedExercise, namer: Names) -> CardExercise:
    return CardExercise.model_construct(
        name=item.name,
        dose=dose_text(item),
        load=load_text(item),
        notes=_unique(namer.plain(note) for note in item.notes),
    )


def dose_text(item: PrescribedExercise) -> str:
    """Sets, reps, time, distance, tempo and pause: the dose without any % of 1RM (a load is
    said in kilograms or by effort, see :func:`load_text`)."""
    parts: list[str] = []
    side = " per side" if item.per_side else ""
    if item.sets is not None and item.reps is not None:
        parts.append(f"{fmt_value(item.sets)} x {fmt_value(item.reps)}{side}")
    elif item.reps is not None:
        parts.append(f"{fmt_value(item.reps)} reps{side}")
    elif item.sets is not None and item.duration_s is None:
        parts.append(f"{fmt_value(item.sets)} sets")
    if item.duration_s is not None:
        prefix = f"{fmt_value(item.sets)} x " if item.sets is not None else ""
        parts.append(f"{prefix}{fmt_value(item.duration_s)} s{side}")
    if item.distance_yd is not None:
        parts.append(f"{item.distance_yd} yd")
    if item.tempo:
        parts.append(f"tempo {item.tempo}")
    if item.pause_s is not None:
        parts.append(f"{fmt_value(item.pause_s)} s pause")
    return ", ".join(parts)


def load_text(item: PrescribedExercise) -> str:
    """``16 kg (from 3 x 10 @ 16 kg on 12-03)``, or the effort target; never a bare %."""
    if item.load_kg is not None:
        basis = f" ({item.load_basis})" if item.load_basis else ""
        return f"{fmt_value(item.load_kg)} kg{basis}"
    return item.effort_target or ""


def load_change_text(change: LoadChange) -> str:
    """``Goblet squat: 16 -> 20 kg, every set reached 12 reps``."""
    if change.action == "hold" or change.from_kg == change.to_kg:
        move = f"stays at {fmt_value(change.from_kg)} kg"
    else:
        move = f"{fmt_value(change.from_kg)} -> {fmt_value(change.to_kg)} kg"
    confirm = " (your coach confirms it)" if change.needs_approval else ""
    return f"{change.name}: {move}, {change.reason}{confirm}"


def ladder_text(move: Progression, namer: Names) -> str:
    ladder = namer.name(move.ladder)
    reason = namer.plain(move.reason)
    if move.action == "hold":
        return f"{ladder}: stay on {namer.name(move.from_)}. {reason}"
    verb = "move on" if move.action == "advance" else "step back"
    confirm = " Your coach confirms the move." if move.needs_approval else ""
    return (
        f"{ladder}: {verb} from {namer.name(move.from_)} to {namer.name(move.to)}. "
        f"{reason}{confirm}"
    )


def _unique(texts: Iterator[str] | list[str]) -> list[str]:
    return [text for text in dict.fromkeys(texts) if text]
