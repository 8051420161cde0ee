"""What a dose means, defined once.

A prescribed exercise's ``sets`` are per round of its block (the planner writes a 3-round
tri-set as 1 set in each of 3 rounds, and the card shows "3 rounds" over "1 x 8"). A dose a
person gives (a coach's ``--dose``, the athlete's ``--dose`` or actual sets) is the total for
the session, as written on paper: ``3x8`` is three sets of 8. Converting in these two
functions, and nowhere else, keeps a coach's dose the same on the card, in the log and in the
week (a ``3x8`` in a 3-round tri-set is one set of 8 a round, logged as 3 x 8, not 9 x 8).
"""

from __future__ import annotations

from engine.contract.errors import InputError, Problem
from engine.contract.models import IntOrRange


def low_end(value: IntOrRange | None) -> int | None:
    """A prescribed range at its low end: the dose the athlete certainly did."""
    if value is None:
        return None
    return int(value[0]) if isinstance(value, list) else int(value)


def total_sets(sets_per_round: IntOrRange | None, rounds: int) -> int:
    """The sets of a prescribed exercise over all the rounds of its block."""
    return max(1, low_end(sets_per_round) or 1) * rounds


def sets_per_round(total: int, rounds: int, where: str, block_name: str) -> int:
    """A total of sets spread over a block's rounds; InputError naming ``where`` when they do
    not divide evenly (the session has no way to say "2 sets in one round, 1 in another")."""
    if total % rounds:
        raise InputError(
            [
                Problem(
                    f"{total} sets do not split over the {rounds} rounds of {block_name!r}; a dose "
                    f"is the total for the session, so give a multiple of {rounds} "
                    f"({rounds}x8 is one set of 8 a round)",
                    field=where,
                )
            ]
        )
    return total // rounds
