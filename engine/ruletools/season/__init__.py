"""Seasons: sequences of days run through the engine, the athlete doing what was recommended.

- :mod:`.simulate`: the day-by-day loop (check in, evaluate, log the session, apply ladder
  decisions);
- :mod:`.scenarios`: season scenarios (``rules/seasons/*.yaml``) with expectations on the whole
  sequence, run by ``runstrong rules test``;
- :mod:`.properties` and :mod:`.check`: season invariants (``rules/season_invariants.yaml``)
  over hypothesis-generated seasons, and the enrolment-order invariant, run by
  ``runstrong rules check``.
"""
