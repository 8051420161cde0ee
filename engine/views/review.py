"""Text views of the coach's review: one recommendation in full, decisions, the
audit trail and the per-rule statistics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from engine.app.review import Decided, ReviewEvent, RuleStats
from engine.app.review_view import ReviewDetail
from engine.app.words import concluded_words, reason_words
from engine.contract.formatting import fmt_value, plural
from engine.contract.models import REVIEW_STATUSES
from engine.views.cards import matched_text

if TYPE_CHECKING:  # the card is built by review show only; review list imports this module
    from engine.app.review_card import ReviewCard


def _change_text(key: str, value: object) -> list[str]:
    """One line per change an event recorded, in words."""
    if key == "session" and isinstance(value, list):
        return [str(item) for item in value]
    if key == "ladders" and isinstance(value, dict):
        return [
            f"{ladder} {move.get('action', 'advance')} {move['from']} -> {move['to']}"
            for ladder, move in value.items()
        ]
    if key == "overrides" and isinstance(value, list):
        return [f"overrode {item['rule']} ({item['why']}): {item['reason']}" for item in value]
    return [f"{key}: {fmt_value(value)}"]


def change_lines(event: ReviewEvent) -> list[str]:
    return [line for key, value in event.changes.items() for line in _change_text(key, value)]


def event_line(event: ReviewEvent) -> str:
    parts = [
        f"{event.at.isoformat(timespec='seconds')}  {event.reviewer}: {event.action} "
        f"({event.previous_status} -> {event.new_status})"
    ]
    if event.forced:
        parts.append("[forced]")
    if event.reason_code:
        parts.append(f"reason: {reason_words(event.reason_code)}")
    if event.note:
        parts.append(f"note: {event.note}")
    parts.extend(change_lines(event))
    return "  ".join(parts)


def decided_text(decided: Decided) -> str:
    event = decided.event
    lines = [f"#{event.recommendation_id}: {event.new_status} by {event.reviewer}"]
    lines.extend(f"  {line}" for line in change_lines(event))
    lines.extend(f"  note: {notice}" for notice in decided.notices)
    return "\n".join(lines)


TRACE_HEADER = "--- trace: the rules behind this recommendation ---"


def _words(value: object) -> str:
    """A value as a person reads it: yes or no, not True or False."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return fmt_value(value)


def review_detail_text(detail: ReviewDetail, card: ReviewCard) -> str:
    """The card first (at most 15 lines), then the whole trace; the session is printed once."""
    rec = detail.recommendation
    checkin = detail.checkin
    lines = [*card.lines(), "", TRACE_HEADER, f"rules {detail.rules_version}", "CHECK-IN"]
    for key, value in detail.checkin_fields:
        lines.append(f"  {key}: {_words(value)}")
    for pain in checkin.get("pain", []):
        lines.append(
            f"  pain: {pain['area']} {pain['severity']}/10"
            + (f" during {pain['during']}" if pain.get("during") else "")
        )
    for run in detail.planned_runs:
        lines.append(f"  planned run: {run}")
    lines.append("HISTORY FEATURES THE RULES SAW")
    for key, value in detail.history_features.items():
        lines.append(f"  {key}: {_words(value)}")
    for ladder, values in rec.features.get("ladders", {}).items():
        weeks = plural(values["weeks_on_stage"], "week")
        lines.append(
            f"  ladder {ladder}: stage {values['stage']}, {weeks}, "
            f"posture held {_words(values['recent_posture_held'])}, felt easy "
            f"{_words(values['recent_felt_easy'])}"
        )
    for program, values in rec.features.get("programs", {}).items():
        lines.append(
            f"  program {program}: {values['sessions_this_week']} this week "
            f"(min {values['min_per_week']})"
        )
    lines.append("RULES FIRED, IN ORDER")
    for index, entry in enumerate(rec.rationale, start=1):
        lines.append(f"  {index}. {entry.rule}: {entry.summary}")
        for values in entry.matched.values():
            lines.append(f"       matched {values.get('fact')}: {matched_text(values)}")
        for concluded in entry.concluded:
            lines.append(f"       concluded {concluded_words(concluded)}")
        lines.extend(f"       not on today's card: {why}" for why in entry.not_on_card)
        for source in entry.sources:
            lines.append(f"       source {source}: {detail.sources.get(source, source)}")
    lines.append("CONSTRAINTS")
    lines.extend(
        f"  {c.kind}{'=' + fmt_value(c.value) if c.value not in (None, '') else ''}"
        + (f" ({c.about} only)" if c.about else "")
        + f" ({c.rule})"
        for c in rec.constraints
    )
    lines.append("PROPOSALS")
    lines.extend(
        f"  {a.outcome}: {a.kind}{' ' + a.program if a.program else ''} (preference {a.priority}, "
        f"{a.proposed_by}): {a.reason}"
        for a in rec.alternatives
    )
    lines.append("PROGRESSIONS")
    lines.extend(
        f"  {p.ladder}: {p.action} {p.from_} -> {p.to}: {p.reason}" for p in rec.progressions
    )
    lines.append("LOAD CHANGES")
    lines.extend(
        f"  {change.name}: {change.action} {fmt_value(change.from_kg)} -> "
        f"{fmt_value(change.to_kg)} kg ({change.rule}"
        + (f", held by the {fmt_value(change.capped_at_pct)}% cap" if change.capped_at_pct else "")
        + ("; needs your approval" if change.needs_approval else "")
        + f"): {change.reason}"
        for change in rec.load_changes
    )
    lines.append("DECISIONS")
    if detail.events:
        lines.extend(f"  {event_line(event)}" for event in detail.events)
    else:
        lines.append("  none yet")
    return "\n".join(lines)


def stats_json(stats: Sequence[RuleStats]) -> list[dict[str, object]]:
    return [
        {
            "rule": item.rule,
            "shaped": item.shaped,
            **{status: item.statuses[status] for status in REVIEW_STATUSES},
            "overridden": item.overrides,
            "reasons": dict(item.reasons),
        }
        for item in stats
    ]


def stats_text(stats: Sequence[RuleStats]) -> str:
    lines = [
        f"{'rule':<7} {'shaped':>6} {'pending':>7} {'approved':>8} {'amended':>7} "
        f"{'rejected':>8} {'overridden':>10}  reasons"
    ]
    for item in stats:
        reasons = ", ".join(f"{code} {count}" for code, count in item.reasons.most_common())
        lines.append(
            f"{item.rule:<7} {item.shaped:>6} {item.statuses['pending']:>7} "
            f"{item.statuses['approved']:>8} {item.statuses['amended']:>7} "
            f"{item.statuses['rejected']:>8} {item.overrides:>10}  {reasons}".rstrip()
        )
    return "\n".join(lines)
