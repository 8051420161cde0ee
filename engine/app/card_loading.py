"""The card's words for a command that shows a card without evaluating: the knowledge base and
the rules' athlete-facing sentences, read once per process and directory, with no rule engine
built (``runstrong today`` stays quick and imports no durable_rules)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from engine.app.athlete_card import CardWords, card_words
from engine.evaluation.rule_sources import load_sources
from engine.loading.paths import resolved


@lru_cache(maxsize=4)
def _words(rules_root: Path | None) -> CardWords:
    kb, ruleset = load_sources(rules_root)
    return card_words(kb, ruleset)


def words_for(rules_root: Path | None = None) -> CardWords:
    """The card's words for this rule directory (the bundled one by default)."""
    return _words(resolved(rules_root) if rules_root else None)
