"""The coach's card of one recommendation, modelled on a CDS Hooks card: a one-line summary,
the session as the athlete sees it, what changed from the athlete's plan and why (two or three
plain lines), the check-in in words, and what waits for the coach's approval. The full trace
(rules, matched values, sources) is below it, folded on the web, after it in ``review show``.

Built from the athlete's card (engine.app.athlete_card), so the coach reads the same words the
athlete does; ``review show`` and ``/recommendations/ID`` render this one model.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from engine.app.athlete_card import AthleteCard, CardWords, Review, athlete_card
from engine.app.review_view import ReviewDetail
from engine.app.triage import readiness_words
from engine.app.words import area_words, concluded_words, kind_words

# What changed from the plan: a card says at most this many reasons (the trace has the rest).
MAX_CHANGES = 3


class ReviewCard(BaseModel):
    summary: str  # one line
    session: list[str]  # one line per block, as the athlete sees it
    changes: list[str] = Field(default_factory=list)  # from the plan, with why
    checkin: str
    pain: list[str] = Field(default_factory=list)
    to_approve: list[str] = Field(default_factory=list)  # ladder and load moves
    warnings: list[str] = Field(default_factory=list)
    status: str
    coach_note: str | None = None

    def lines(self) -> list[str]:
        """The card as text, at most 15 lines (the trace follows it in ``review show``)."""
        lines = [self.summary, f"Check-in: {self.checkin}"]
        if self.pain:
            lines.append(f"Pain: {', '.join(self.pain)}")
        lines += [f"Changed: {reason}" for reason in self.changes]
        lines += [f"  {block}" for block in self.session]
        lines += [f"To approve: {item}" for item in self.to_approve]
        lines += [f"! {warning}" for warning in self.warnings]
        if self.coach_note:
            lines.append(f"Coach's note: {self.coach_note}")
        if len(lines) > 15:
            lines = [*lines[:14], f"(... {len(lines) - 14} more lines in the trace below)"]
        return lines


def _block_line(card: AthleteCard, index: int) -> str:
    block = card.blocks[index]
    items = ", ".join(
        item.name + (f" {item.dose}" if item.dose else "") for item in block.exercises
    )
    rounds = f" x{block.rounds}" if block.rounds > 1 else ""
    return f"{block.name}{rounds}: {items}" if items else block.name


def review_card(detail: ReviewDetail, words: CardWords) -> ReviewCard:
    rec = detail.recommendation
    card = athlete_card(
        rec,
        words,
        Review(detail.id, detail.status, detail.coach_note, detail.amended_session),
    )
    planned = detail.checkin.get("planned")
    plan = (
        "as planned"
        if not planned or planned == detail.session_shown.kind
        else f"instead of {kind_words(str(planned)).lower()}"
    )
    summary = (
        f"#{detail.id} {detail.athlete_id}, {detail.date:%a %d %b}: {card.title} "
        f"({card.intensity}), {plan}; {detail.status}"
        + (", amended by the coach" if card.amended_by_coach and detail.status != "amended" else "")
    )
    return ReviewCard(
        summary=summary,
        session=[_block_line(card, index) for index in range(len(card.blocks))] or [card.session],
        changes=card.changes[:MAX_CHANGES],
        checkin=readiness_words(detail.checkin),
        pain=[
            f"{area_words(str(pain['area']))} {pain['severity']}/10"
            + (f" during {words.namer.name(str(pain['during']))}" if pain.get("during") else "")
            for pain in detail.checkin.get("pain", [])
        ],
        to_approve=[*card.ladders, *card.load_changes]
        if any(move.action in {"advance", "regress"} for move in rec.progressions)
        or any(change.needs_approval for change in rec.load_changes)
        else [],
        warnings=card.warnings,
        status=detail.status,
        coach_note=detail.coach_note,
    )


__all__ = ["ReviewCard", "concluded_words", "review_card"]
