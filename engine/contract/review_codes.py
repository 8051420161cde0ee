"""The coach's reason codes for a rejection: part of the contract, so that the review
commands can offer them (``review reject --reason``) without importing the store."""

from __future__ import annotations

REASON_CODES = ("athlete_context", "disagree_with_rule", "data_error", "other")
