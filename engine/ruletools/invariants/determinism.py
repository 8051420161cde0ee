"""Hypothesis settings for a deterministic check that writes nothing, the one reach into
hypothesis internals (isolated here, with why), and the search-then-shrink loop both checks
(``rules check``'s request and season invariants) run.

Hypothesis (6.13x and later) mixes literals it finds in the caller's own, non-installed modules
into what it generates. That makes the same seed generate different requests depending on which
engine modules the process happens to have imported, so ``rules check`` in a test session and on
the command line would disagree. Hypothesis has no public setting to turn this off (checked for
6.170: ``settings`` has none, and the pool is filled in ``providers._get_local_constants``), so
:func:`without_local_constants` empties that pool for the duration of a check, and does nothing
on a version without those internals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given
from hypothesis import seed as hypothesis_seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException


@contextmanager
def without_local_constants() -> Iterator[None]:
    """Generate from the seed alone, whatever modules happen to be imported.

    Recent hypothesis versions mix literals found in the caller's own (non-installed) modules
    into what they generate, so the same seed would give different requests depending on which
    engine modules a test session or command has imported so far. For the duration of a check
    that pool is empty. This reaches into hypothesis internals, so it does nothing on a version
    without them.
    """
    from hypothesis.internal.conjecture import providers

    getter = getattr(providers, "_get_local_constants", None)
    constants = getattr(providers, "Constants", None)
    cache: Any = getattr(getattr(providers, "CONSTANTS_CACHE", None), "cache", None)
    if getter is None or constants is None or cache is None:
        yield
        return
    empty = constants()

    def no_local_constants() -> Any:
        return empty

    cache.clear()
    setattr(providers, "_get_local_constants", no_local_constants)  # noqa: B010
    try:
        yield
    finally:
        setattr(providers, "_get_local_constants", getter)  # noqa: B010
        cache.clear()


def check_settings(examples: int, seed: int | None) -> hypothesis_settings:
    return hypothesis_settings(
        max_examples=examples,
        derandomize=seed is None,
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
    )


class Violation(Exception):
    """Raised inside a check's hypothesis test when the invariant it aims at fails, so that
    hypothesis shrinks toward that invariant's smallest counterexample."""


def run_search(
    strategy: st.SearchStrategy[Any],
    probe: Callable[[Any], None],
    examples: int,
    seed: int | None,
) -> Callable[[], None]:
    """Run ``probe`` over ``examples`` generated examples (derandomized, or from ``seed``) and
    return the hypothesis test, to run again by :func:`shrink_toward`."""
    test = check_settings(examples, seed)(given(strategy)(probe))
    if seed is not None:
        test = hypothesis_seed(seed)(test)
    with without_local_constants():
        test()
    return test


def shrink_toward(test: Callable[[], None], state: dict[str, Any], key: str) -> Any | None:
    """Run the check's hypothesis ``test`` again aimed at the invariant ``key``: the probe reads
    ``state["target"]``, records each failing example in ``state["last"]`` and raises
    :class:`Violation`. The smallest example hypothesis settles on, or None when the failure
    does not come back or cannot be replayed."""
    state["target"], state["last"] = key, None
    try:
        with without_local_constants():
            test()
    except Violation:
        last: Any | None = state["last"]
        return last
    except HypothesisException:
        return None  # not replayable (flaky)
    return None
