"""Rules propose, constraints dispose: turn the rules' conclusions into one session.

The planner holds no coaching logic of its own; it is the mechanics that combine conclusions,
one module per job:

- :mod:`.conclusions`: the conclusions of one evaluation, by type;
- :mod:`.constraints`: what today's constraints rule out (exercises, intensities);
- :mod:`.choosing`: keep every proposal that satisfies every constraint, say which constraint
  blocked the others, and pick the highest preference (ties: the proposal concluded first);
- :mod:`.filling`: fill the session from the knowledge base (the program's blocks, the ladder
  stages and programs the rules included, the athlete's equipment), with
  :mod:`.substitutions` (a regression or alternative where an exercise is ruled out) and
  :mod:`.prescriptions` (the rules' doses, load caps, loads in kg from % of 1RM);
- :mod:`.sessions`: the session of the chosen proposal (program, HIIT, mobility, cardio) with
  :mod:`.hiit` for the intervals;
- :mod:`.progressions`: the most conservative decision per ladder wins;
- :mod:`.plan`: the whole plan, with the warnings.
"""

from engine.core.planner.conclusions import Conclusions
from engine.core.planner.plan import Planner, PlanResult

__all__ = ["Conclusions", "PlanResult", "Planner"]
