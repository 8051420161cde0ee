"""Text view of the athlete's recommendation of the day, with where the review stands."""

from __future__ import annotations

from engine.app.today import TodayView
from engine.views.cards import recommendation_text

STATUS_TEXT = {
    "pending": "waiting for your coach's review",
    "approved": "approved by your coach",
    "amended": "amended by your coach (the session above is the coach's version)",
    "rejected": "rejected by your coach",
    "final": "final (no coach reviews it; ladder decisions took effect at once)",
}


# What the check-in says about the new recommendation, in brackets after its id.
NEW_STATUS_TEXT = {
    "pending": "pending review",
    "final": "final: no coach reviews it, so ladder decisions took effect at once",
}


def new_recommendation_line(recommendation_id: int, status: str) -> str:
    return f"recommendation #{recommendation_id} ({NEW_STATUS_TEXT.get(status, status)})"


def status_line(recommendation_id: int, status: str) -> str:
    return f"recommendation #{recommendation_id}: {STATUS_TEXT.get(status, status)}"


def today_text(view: TodayView) -> str:
    lines = [recommendation_text(view.recommendation), "", status_line(view.id, view.status)]
    if view.coach_note:
        lines.append(f"coach's note: {view.coach_note}")
    return "\n".join(lines)
