"""Rule fire counts for ``rules show``, computed in the app layer."""

from __future__ import annotations

from pathlib import Path

from engine.app.rule_firings import fired_counts


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
