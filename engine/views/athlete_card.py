"""The athlete's card as text: the session in plain words, the reasons it differs from the
plan, loads, ladders and where the coach's review stands. With ``--why`` the coach's trace
(rules, matched facts, sources, rules version) follows below a rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.app.athlete_card import AthleteCard, CardBlock

if TYPE_CHECKING:
    from engine.contract.models import Recommendation

WHY_HEADER = "--- why: the rules behind this card (for you and your coach) ---"


def _block_lines(block: CardBlock) -> list[str]:
    details = [f"{block.rounds} round{'s' if block.rounds != 1 else ''}"]
    if block.rest:
        details.append(block.rest)
    lines = [f"{block.name} ({'; '.join(details)})"]
    for item in block.exercises:
        what = ", ".join(part for part in (item.dose, item.load) if part)
        lines.append(f"  - {item.name}" + (f": {what}" if what else ""))
        lines.extend(f"      {note}" for note in item.notes)
    lines.extend(f"  * {note}" for note in block.notes)
    return lines


def card_lines(card: AthleteCard) -> list[str]:
    """The card's lines, without the review status (the week prints one card per day)."""
    # "Rest day", not "Rest day (rest)": the intensity only where the title does not say it.
    said = card.intensity.lower() in card.title.lower().split()
    lines = [f"{card.date:%A %d %B}: {card.title}" + ("" if said else f" ({card.intensity})")]
    if card.planned and card.planned != card.session:
        lines.append(f"You planned: {card.planned}")
    lines.extend(f"  > {reason}" for reason in card.changes)
    if card.pain:
        lines.append(f"Pain today: {', '.join(card.pain)}")
    lines.extend(f"  * {note}" for note in card.notes)
    for block in card.blocks:
        lines.append("")
        lines.extend(_block_lines(block))
    if card.warnings or card.hiit:
        lines.append("")
    lines.extend(f"! {warning}" for warning in card.warnings)
    lines.extend(card.hiit)
    for title, items in (("Loads", card.load_changes), ("Ladders", card.ladders)):
        if items:
            lines += ["", f"{title}:"]
            lines.extend(f"  {item}" for item in items)
    return lines


def card_text(card: AthleteCard, why: Recommendation | None = None) -> str:
    """The whole card; ``why`` (the recommendation behind it) adds the coach's trace."""
    lines = card_lines(card)
    if card.status_text:
        lines += ["", f"recommendation #{card.id} ({card.status_text})"]
    if card.coach_note:
        lines.append(f"Coach's note: {card.coach_note}")
    if why is not None:
        # The trace's wording reads the features' and facts' vocabulary, which the card alone
        # does not need: imported for --why only.
        from engine.views.cards import trace_lines

        lines += ["", WHY_HEADER, *trace_lines(why)]
    return "\n".join(lines)
