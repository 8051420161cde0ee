"""Text view of an athlete's profile."""

from __future__ import annotations

from engine.contract.formatting import fmt_sizes, fmt_value
from engine.contract.models import AthleteProfile


def profile_text(profile: AthleteProfile) -> str:
    coach = ", has a coach" if profile.has_coach else ""
    lines = [f"{profile.id} ({profile.level}{coach})"]
    lines.append(f"  equipment: {', '.join(profile.equipment) or '(none)'}")
    if profile.kettlebells_kg:
        lines.append(f"  kettlebells: {fmt_sizes(list(profile.kettlebells_kg))}")
    if profile.dumbbells_kg:
        lines.append(f"  dumbbells: {fmt_sizes(list(profile.dumbbells_kg))}")
    for exercise, kg in (profile.one_rep_max_kg or {}).items():
        lines.append(f"  1RM {exercise}: {fmt_value(float(kg))} kg")
    for program in profile.programs:
        lines.append(f"  program: {program.id}, week {program.week}")
    for ladder, position in profile.ladders.items():
        extra = f", assistance: {position.assistance}" if position.assistance else ""
        lines.append(f"  ladder {ladder}: {position.stage} since {position.since}{extra}")
    return "\n".join(lines)
