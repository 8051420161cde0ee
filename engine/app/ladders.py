"""Applying ladder decisions to a profile: the one place a stage changes because of a
recommendation (a coach's approval, or at once for an athlete without a coach)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.contract.models import AthleteProfile, LadderPosition, Progression

# The decisions that move a stage; a hold changes nothing.
MOVES = ("advance", "regress")


@dataclass(frozen=True)
class LadderMoves:
    """What applying a recommendation's ladder decisions did."""

    profile: AthleteProfile | None  # the profile with the moves applied; None if none moved
    moved: dict[str, dict[str, str]] = field(default_factory=dict)  # ladder -> from, to, action
    # Decisions not applied, each as a sentence: the athlete is no longer on that stage.
    skipped: list[str] = field(default_factory=list)

    def changes(self) -> dict[str, dict[str, dict[str, str]]]:
        """What the audit log records."""
        return {"ladders": self.moved} if self.moved else {}


def apply_moves(
    profile: AthleteProfile, progressions: Iterable[Progression], day: dt.date
) -> LadderMoves:
    """Each advance or regression whose starting stage is the athlete's current one, applied
    as of ``day``. A decision made from a stage the athlete has left since (an older
    recommendation, or one whose move was applied already) is skipped and said so."""
    ladders = dict(profile.ladders)
    moved: dict[str, dict[str, str]] = {}
    skipped: list[str] = []
    for progression in progressions:
        if progression.action not in MOVES:
            continue
        current = ladders.get(progression.ladder)
        what = f"{progression.ladder} {progression.action} {progression.from_} -> {progression.to}"
        if current is None:
            skipped.append(f"{what} not applied: the ladder is no longer in the profile")
            continue
        if current.stage != progression.from_:
            already = current.stage == progression.to
            skipped.append(
                f"{what} was already applied (on {progression.to} since {current.since})"
                if already
                else f"{what} not applied: now on {current.stage} since {current.since}"
            )
            continue
        ladders[progression.ladder] = LadderPosition(stage=progression.to, since=day)
        moved[progression.ladder] = {
            "action": progression.action,
            "from": progression.from_,
            "to": progression.to,
        }
    if not moved:
        return LadderMoves(None, {}, skipped)
    return LadderMoves(profile.model_copy(update={"ladders": ladders}), moved, skipped)
