"""The card's words for a command that shows a card without evaluating: the knowledge base's
names and the rules' athlete-facing sentences, read once per process and directory, with no rule
engine built (``runstrong today`` stays quick and imports no durable_rules).

The words are also kept in the per-user cache (:mod:`engine.loading.owner_cache`) as plain
data, two dicts of strings, under a hash of the sources and of the code that extracts them:
unpickling the knowledge base and the rule set would import their classes, which cost ``today``
more than the rest of the command.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from engine.app.athlete_card import CardWords
from engine.app.words import Names
from engine.evaluation.rule_sources import default_roots, sources_key
from engine.loading import owner_cache
from engine.loading.paths import resolved

if TYPE_CHECKING:
    from engine.app.words import Namer

PREFIX = "words-"
# The code that turns the loaded sources into the cached words (besides what sources_key
# hashes): a change there must not leave yesterday's words in the cache.
_EXTRACTING_CODE = ("words.py", "athlete_card.py", "card_loading.py")


def _words_key(rules_root: Path | None) -> str:
    hasher = hashlib.sha256(sources_key(*default_roots(rules_root)).encode())
    owner_cache.hash_files(hasher, Path(__file__).resolve().parent, _EXTRACTING_CODE)
    return PREFIX + hasher.hexdigest()


def _strings(value: object) -> dict[str, str] | None:
    if isinstance(value, dict) and all(
        isinstance(key, str) and isinstance(item, str) for key, item in value.items()
    ):
        return value
    return None


@lru_cache(maxsize=4)
def _words(rules_root: Path | None) -> CardWords:
    name = _words_key(rules_root)
    cached = owner_cache.read(name)
    if isinstance(cached, tuple) and len(cached) == 2:
        names, tells = _strings(cached[0]), _strings(cached[1])
        if names is not None and tells is not None:
            return CardWords(Names(names), tells)
    from engine.app.athlete_card import card_words
    from engine.app.words import kb_names
    from engine.evaluation.rule_sources import load_sources

    kb, ruleset = load_sources(rules_root)
    words = card_words(kb, ruleset)
    owner_cache.write(name, (kb_names(kb), dict(words.tells)), PREFIX)
    return words


def words_for(rules_root: Path | None = None) -> CardWords:
    """The card's words for this rule directory (the bundled one by default)."""
    return _words(resolved(rules_root) if rules_root else None)


def namer_for(rules_root: Path | None = None) -> Namer:
    """Names with the knowledge base at hand (a logged session's program variant), for the
    commands that read more of the knowledge base than the card's words."""
    from engine.app.words import Namer
    from engine.evaluation.rule_sources import load_sources

    kb, _ = load_sources(resolved(rules_root) if rules_root else None)
    return Namer(kb)
