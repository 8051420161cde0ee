"""Lines every view of a session says the same way: the rest in a block and the HIIT decision
with the intense budget (the athlete's card, the coach's trace and the web pages)."""

from __future__ import annotations

from engine.contract.formatting import fmt_value
from engine.contract.models import HiitDecision, SessionBlock


def rest_text(block: SessionBlock) -> str:
    parts = []
    if block.rest_between_exercises_s is not None:
        parts.append(f"rest {fmt_value(block.rest_between_exercises_s)} s between exercises")
    if block.rest_between_rounds_s is not None:
        parts.append(f"{fmt_value(block.rest_between_rounds_s)} s between rounds")
    return "; ".join(parts)


def intense_budget_text(hiit: HiitDecision) -> str:
    """What counts toward the weekly cap on intense sessions, in words."""
    text = f"Intense sessions in the last 7 days: {hiit.sessions_last_7_days}"
    if hiit.quality_runs_counted:
        text += f" (quality runs count: {hiit.quality_runs_counted} of them)"
    return text


def hiit_lines(hiit: HiitDecision) -> list[str]:
    """The HIIT decision, said only on a day HIIT was on the table, and the intense budget."""
    lines = []
    if hiit.considered and hiit.allowed:
        lines.append(f"HIIT: allowed; intervals {hiit.work_s} s work / {hiit.rest_s} s rest")
    elif hiit.considered:
        lines.append("HIIT: not today")
    if hiit.considered or hiit.sessions_last_7_days:
        lines.append(intense_budget_text(hiit))
    return lines
