"""Text view of the athlete's progress: each main lift's estimated 1RM and heaviest load per
week, and the ladder stages practised, in names and kilograms."""

from __future__ import annotations

from engine.app.progress import Progress
from engine.contract.formatting import fmt_value


def _kg(value: float | None) -> str:
    return f"{fmt_value(value)} kg" if value is not None else "-"


def progress_text(progress: Progress) -> str:
    """Lines per lift and ladder; empty when nothing was lifted with a weight or practised."""
    lines: list[str] = []
    if progress.lifts:
        lines += ["", "STRENGTH (estimated 1RM / heaviest load lifted, by week)"]
        for lift in progress.lifts:
            lines.append(f"  {lift.name}")
            lines += [
                f"    {week.week}  {_kg(week.estimated_1rm_kg):>8} / {_kg(week.heaviest_kg)}"
                for week in lift.weeks
                if week.estimated_1rm_kg is not None or week.heaviest_kg is not None
            ]
    practised = [ladder for ladder in progress.ladders if any(w.stages for w in ladder.weeks)]
    if practised:
        lines += ["", "LADDERS (stages practised, by week)"]
        for ladder in practised:
            lines.append(f"  {ladder.name}")
            lines += [
                f"    {week.week}  {', '.join(week.stages)}" for week in ladder.weeks if week.stages
            ]
    return "\n".join(lines)
