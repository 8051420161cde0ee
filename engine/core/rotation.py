"""Programs share the week by rule: each program's place in today's rotation, and the words
the trace uses for why (``default_program_rotation``)."""

from __future__ import annotations

from typing import Any


def rotation_ranks(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Each program's place in today's rotation, 1 first (``default_program_rotation``).

    Furthest below its weekly minimum first, then the one done longest ago, then the id: what
    the week has already held decides, never the order of the profile's list.
    """
    order = sorted(
        rows, key=lambda row: (-row["weekly_deficit"], -row["days_since_last"], row["program"])
    )
    return {row["program"]: index + 1 for index, row in enumerate(order)}


def rotation_reason(row: dict[str, Any], never_done_days: int) -> str:
    """``never_done_days``: the day count that means "never done" (the features' sentinel)."""
    done = row["sessions_this_week"]
    wanted = f" of at least {row['min_per_week']}" if row["min_per_week"] else ""
    last = (
        "not done yet"
        if row["days_since_last"] >= never_done_days
        else f"last done {row['days_since_last']} days ago"
    )
    return f"{done}{wanted} this week, {last}"
