"""Text view of a simulated season: a line a day, then the scenario's verdict.

A coach changing a rule reads this to see what the athlete would have been given, day after
day, and where a season expectation broke.
"""

from __future__ import annotations

from engine.contract.models import Recommendation
from engine.ruletools.season.scenarios import SeasonRun


def _session(recommendation: Recommendation) -> str:
    session = recommendation.session
    program = f" {session.program}" if session.program else ""
    variant = f"/{session.variant}" if session.variant else ""
    return f"{session.kind} ({session.intensity}){program}{variant}"


def _exercises(recommendation: Recommendation) -> str:
    return ", ".join(
        item.id
        for block in recommendation.session.blocks
        if block.role != "run"
        for item in block.exercises
    )


def _decisions(recommendation: Recommendation) -> list[str]:
    return [
        f"{p.ladder}: {p.action} {p.from_}" + (f" -> {p.to}" if p.to != p.from_ else "")
        for p in recommendation.progressions
        if p.action != "hold"
    ]


def season_text(run: SeasonRun) -> str:
    scenario = run.loaded.scenario
    lines = [f"season {run.loaded.name} ({run.loaded.file})", f"  {scenario.description}", ""]
    for day in run.days:
        rec = day.recommendation
        planned = day.request.checkin.planned or "-"
        date = rec.date.strftime("%a %Y-%m-%d")
        lines.append(f"{day.number:>3}  {date}  planned {planned:<13} {_session(rec)}")
        if exercises := _exercises(rec):
            lines.append(f"       {exercises}")
        lines += [f"       ladder {decision}" for decision in _decisions(rec)]
    outcome = run.outcome
    lines.append("")
    if outcome.passed:
        lines.append(f"PASS {outcome.name}: {len(scenario.expect)} expectation(s) hold")
    else:
        lines.append(f"FAIL {outcome.name}")
        lines += [f"    {line}" for line in outcome.failures]
    return "\n".join(lines)
