"""What the review queue sorts and filters on, taken from a recommendation when it is written
(and by migration 0009 for the ones written before): the attention bits that do not depend on
a setting, the check-in's recovery, and the rules that fired. Stored as columns and rows so the
queue pages, and the rule counts add up, in SQL without reading any stored document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Attention bits (a coach looks at these first). Readiness below the gate is not a bit: the
# gate is a setting, compared with the stored recovery at read time.
PAIN = 1  # pain reported at the check-in
LADDER = 2  # a ladder advance or regress to approve
LOAD = 4  # a working-load change to approve
OVERRIDE = 8  # the session is not what the athlete planned (the engine overrode the plan)
BITS = {"pain": PAIN, "ladder": LADDER, "load": LOAD, "override": OVERRIDE}


def attention_bits(request: Mapping[str, Any], recommendation: Mapping[str, Any]) -> int:
    """The attention bits of one stored request and recommendation (their JSON dumps)."""
    checkin = request.get("checkin") or {}
    bits = PAIN if checkin.get("pain") else 0
    if any(
        item.get("action") in {"advance", "regress"}
        for item in recommendation.get("progressions") or []
    ):
        bits |= LADDER
    if any(item.get("needs_approval") for item in recommendation.get("load_changes") or []):
        bits |= LOAD
    planned = checkin.get("planned")
    if planned and planned != (recommendation.get("session") or {}).get("kind"):
        bits |= OVERRIDE
    return bits


def recovery_of(request: Mapping[str, Any]) -> int | None:
    value = (request.get("checkin") or {}).get("recovery_pct")
    return int(value) if value is not None else None


def fired_rules_of(recommendation: Mapping[str, Any]) -> list[str]:
    """The rules of the trace, each once, in firing order (a rule counts once per
    recommendation however often it fired)."""
    return list(dict.fromkeys(str(entry["rule"]) for entry in recommendation.get("rationale", [])))


def triage_values(request: Mapping[str, Any], recommendation: Mapping[str, Any]) -> dict[str, Any]:
    """The recommendation row's triage columns."""
    return {
        "attention": attention_bits(request, recommendation),
        "recovery_pct": recovery_of(request),
    }
