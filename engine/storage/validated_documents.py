"""Stored recommendations validated once: the validated model of a recommendation's JSON
document, kept in the per-user cache under a hash of the document and of the code that
validates it.

``runstrong today`` in a fresh process would otherwise build pydantic's validator for the
whole recommendation (and import pydantic's plugin machinery with it) to read one document the
check-in wrote minutes earlier. Validation is a pure function of the document and the contract
code, so its result can be cached like the loaded rules: the check-in that stores a
recommendation remembers it (:func:`remember`), and the quick reader
(:mod:`engine.storage.sqlite_reads`) finds it (:func:`validated`). A document the cache does not
hold is validated as always. The cache holds the same trust checks as every other per-user
cache (:mod:`engine.loading.owner_cache`: owner-only, never followed through links).

Only the quick reader uses it: a long-lived process (the web app) has its validators built,
and a file read would cost it more than validating.
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import pydantic

import engine
from engine.contract.models import Recommendation
from engine.loading import owner_cache

PREFIX = "recommendation-"
# The documents kept: an athlete's recent days, or one day of a coach's athletes.
KEEP = 64


@lru_cache(maxsize=1)
def _code_key() -> bytes:
    """What validation depends on besides the document: the contract's code and the versions
    of runstrong, pydantic and Python (a pickle is read back by the same ones)."""
    hasher = hashlib.sha256()
    owner_cache.hash_parts(hasher, (engine.__version__, pydantic.VERSION, sys.version))
    owner_cache.hash_tree(hasher, Path(engine.__file__).resolve().parent / "contract", "*.py")
    return hasher.digest()


def cache_name(document: Any) -> str:
    """The cache entry of ``document``: the same for the dict the store wrote and the one read
    back from the column, whatever the column's own JSON spelling."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    hasher = hashlib.sha256(_code_key())
    hasher.update(canonical.encode())
    return PREFIX + hasher.hexdigest()


def validated(document: Any) -> Recommendation:
    """``Recommendation.model_validate(document)``, from the cache when it holds it."""
    name = cache_name(document)
    cached = owner_cache.read(name)
    if isinstance(cached, Recommendation):
        return cached
    recommendation = Recommendation.model_validate(document)
    owner_cache.write(name, recommendation, PREFIX, keep=KEEP)
    return recommendation


def remember(document: Any) -> None:
    """Cache the validated model of a document just stored. It is validated again rather than
    taken from the model it was dumped from, so that the cache holds exactly what reading the
    document would give."""
    owner_cache.write(
        cache_name(document), Recommendation.model_validate(document), PREFIX, keep=KEEP
    )
