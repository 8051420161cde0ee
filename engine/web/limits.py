"""Field limits of the JSON API, the same as the forms' (runstrong defaults, technical bounds
on input, not coaching choices). The API models and the form fields both read them here, so
neither can take what the other refuses."""

from __future__ import annotations

# A free-text note (check-in note, coach's note, amendment reason).
MAX_NOTE_CHARS = 2000
# What a pain report says it came during (an exercise id or a few words).
MAX_PAIN_DURING_CHARS = 200
# Pain reports in one check-in: one per pain area is the most a real day needs.
MAX_PAIN_REPORTS = 10
# Planned runs sent with one check-in: two weeks of double days.
MAX_UPCOMING_RUNS = 28
# Amendment lists (exercises dropped, swapped, re-dosed): a session holds a dozen at most.
MAX_AMEND_ITEMS = 50
