"""Text and JSON of the coach's triage (``review list``): the counts on top, then one line per
recommendation (who, when, the readiness in numbers, the session in words, the flags)."""

from __future__ import annotations

from engine.app.triage import TriageItem, TriagePage
from engine.contract.formatting import plural


def counts_line(page: TriagePage) -> str:
    counts = page.counts
    parts = [
        f"{counts.pending} pending ({counts.attention} need attention)",
        f"{counts.lapsed} lapsed",
    ]
    parts += [f"{count} {status}" for status, count in sorted(counts.decided.items())]
    line = ", ".join(parts)
    if counts.per_athlete:
        athletes = ", ".join(f"{who} {count}" for who, count in counts.per_athlete.items())
        line += f"\npending by athlete: {athletes}"
    return line


def item_lines(item: TriageItem) -> list[str]:
    mark = "!" if item.attention else " "
    lines = [
        f"{mark} #{item.id:<5} {item.date}  {item.athlete_id:<16} {item.status:<8} {item.session}",
        f"         {item.readiness}",
    ]
    lines += [f"         ! {flag}" for flag in item.flags]
    return lines


def triage_text(page: TriagePage) -> str:
    counts = page.counts
    anything = counts.pending or counts.lapsed or counts.decided
    lines = [counts_line(page), ""] if anything else []
    if not page.items:
        shown = "" if page.status == "all" else f"{page.status} "
        lines.append(f"no {shown}recommendations")
    for item in page.items:
        lines += item_lines(item)
    total, end = page.counts.matching, page.offset + len(page.items)
    if page.items and (page.offset or end < total):
        more = f"; next: --offset {end}" if end < total else ""
        lines.append(f"({page.offset + 1}-{end} of {plural(total, 'recommendation')}{more})")
    return "\n".join(lines)


def triage_json(page: TriagePage) -> list[dict[str, object]]:
    return [item.as_json() for item in page.items]
