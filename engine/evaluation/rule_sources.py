"""The knowledge base and rule set a process evaluates with, from the per-user cache when the
sources are unchanged (:mod:`engine.loading.owner_cache`).

The cache key is a sha256 over runstrong's version, Python's and pydantic's versions, the code
that defines the loaded objects (``engine/activities``, ``contract``, ``knowledge``,
``loading``, ``rulebook``), and the path and bytes of every file of the two directories.
Hashing them reads about 1 MB: a few milliseconds, against the parse and the checks it saves.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pydantic

import engine
from engine.loading import owner_cache
from engine.loading.paths import knowledge_base_dir, resolved, rules_dir

if TYPE_CHECKING:  # imported on use: the cached card words (today) need only the key
    from engine.knowledge.base import KnowledgeBase
    from engine.rulebook.ruleset import RuleSet

# One file per variant: with the rule cases (the rule tools) and without (evaluation).
PREFIXES = {True: "tools-", False: "eval-"}
# The packages whose classes are pickled, or whose code decides what a load yields (the typed
# engine settings hold the activity import's settings group, engine.activities.kinds).
CODE_PACKAGES = ("activities", "contract", "knowledge", "loading", "rulebook")


def sources_key(rules_root: Path, kb_root: Path) -> str:
    """What the loaded objects depend on, as one hash."""
    hasher = hashlib.sha256()
    owner_cache.hash_parts(hasher, (engine.__version__, sys.version, pydantic.VERSION))
    code = Path(engine.__file__).resolve().parent
    for package in CODE_PACKAGES:
        owner_cache.hash_tree(hasher, code / package, "*.py")
    owner_cache.hash_tree(hasher, kb_root, "*")
    owner_cache.hash_tree(hasher, rules_root, "*")
    return hasher.hexdigest()


def default_roots(rules_root: Path | None = None, kb_root: Path | None = None) -> tuple[Path, Path]:
    """The rule and knowledge-base directories to load (the bundled ones by default)."""
    return resolved(rules_root or rules_dir()), resolved(kb_root or knowledge_base_dir())


def load_sources(
    rules_root: Path | None = None, kb_root: Path | None = None, *, tests: bool = False
) -> tuple[KnowledgeBase, RuleSet]:
    """The knowledge base and rule set of these directories (the bundled ones by default): from
    the cache when their sources are unchanged, else loaded, checked and cached. ``tests``: with
    the rule cases, scenarios and base request, which only the rule tools read.

    Only a rule set that loaded without problems is cached; an edited file changes the key, so a
    rule author's edits are always loaded and checked.
    """
    from engine.knowledge.base import KnowledgeBase, load_knowledge_base
    from engine.rulebook.ruleset import RuleSet, load_ruleset

    rules, kb_path = default_roots(rules_root, kb_root)
    name = PREFIXES[tests] + sources_key(rules, kb_path)
    cached = owner_cache.read(name)
    if (
        isinstance(cached, tuple)
        and len(cached) == 2
        and isinstance(cached[0], KnowledgeBase)
        and isinstance(cached[1], RuleSet)
    ):
        return cached[0], cached[1]
    kb = load_knowledge_base(kb_path)
    ruleset = load_ruleset(rules, kb, tests=tests)
    owner_cache.write(name, (kb, ruleset), PREFIXES[tests])
    return kb, ruleset
