"""Rule fire counts for ``rules show``, computed in the app layer."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from engine.app.demo import create_demo
from engine.app.evaluators import get_evaluator
from engine.app.rule_firings import fired_counts
from engine.storage import listing
from engine.storage.store import Store


def test_an_empty_database_counts_zero(tmp_path: Path) -> None:
    from engine.storage.db import open_database

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_database(url, create=True).dispose()  # counting never creates a database
    counts = fired_counts(url)
    assert counts.counts is not None
    assert counts.of("RS101") == 0


def test_a_database_that_cannot_be_opened_gives_no_counts_and_why() -> None:
    counts = fired_counts("nosuchdriver://nowhere")
    assert counts.counts is None and counts.of("RS101") is None
    assert "nosuchdriver" in counts.why


def test_counts_read_in_pages_match_the_stored_recommendations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counts are read a page of JSON at a time (memory stays flat on a long history);
    across page boundaries they are what the validated recommendations say."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    store = Store.open(url, create=True)
    create_demo(store, get_evaluator(), dt.date(2026, 11, 30))
    monkeypatch.setattr(listing, "PAGE_ROWS", 4)
    stored = store.recommendations()
    assert len(stored) > 4 * 3, "several pages"
    expected: Counter[str] = Counter()
    for item in stored:
        expected.update({entry.rule for entry in item.recommendation.rationale})
    assert fired_counts(url).counts == expected
    since = stored[len(stored) // 2].date
    listed = [(rec_id, status) for rec_id, status, _ in listing.fired_rules(store, since=since)]
    assert listed == [(item.id, item.status) for item in stored if item.date >= since]
