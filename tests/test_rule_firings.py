"""Rule fire counts for ``rules show``, computed in the app layer."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from sqlalchemy import text

from engine.app.demo import create_demo
from engine.app.review import rule_stats
from engine.app.rule_firings import fired_counts
from engine.evaluation.evaluators import get_evaluator
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


def test_counts_from_the_rows_match_the_stored_recommendations(tmp_path: Path) -> None:
    """The fired rules are rows written with each recommendation; their counts are
    what the validated recommendations' traces say, and migration 0009 fills the same rows
    for a database written before it."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    store = Store.open(url, create=True)
    create_demo(store, get_evaluator(), dt.date(2026, 11, 30))
    stored = store.recommendations()
    expected: Counter[str] = Counter()
    for item in stored:
        expected.update({entry.rule for entry in item.recommendation.rationale})
    assert fired_counts(url).counts == expected
    stats = {item.rule: item.shaped for item in rule_stats(store)}
    judged: Counter[str] = Counter()
    for item in stored:
        if item.status != "final":
            judged.update({entry.rule for entry in item.recommendation.rationale})
    assert stats == {rule: count for rule, count in judged.items()}

    # The same database as it was before migration 0009, then migrated: the same counts.
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM rule_firings"))
    upgrade_from(store, "0008")
    assert fired_counts(url).counts == expected


def upgrade_from(store: Store, revision: str) -> None:
    """Take the schema back to ``revision`` (the rows and columns of later ones gone), then
    migrate to the newest again."""
    from alembic import command

    from engine.storage.db import _alembic_config, upgrade

    config = _alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    upgrade(store.engine)


def test_a_replaced_check_in_and_a_decision_move_the_counts(tmp_path: Path) -> None:
    """The rows carry their recommendation's status: a check-in replaced for the same day
    leaves the counts (superseded), and a rejection shows in review stats at once."""
    from click.testing import CliRunner

    from engine.cli.main import cli

    url = f"sqlite:///{tmp_path / 'replace.db'}"

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--db", url, *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("athlete", "add", "ana", "--level", "intermediate", "--coach", "--equipment", "mat")
    checkin = ["--recovery", "90", "--slept-well", "--soreness", "2", "--stress", "2"]
    run("checkin", "ana", *checkin, "--planned", "hiit")
    first = fired_counts(url).counts
    assert first and set(first.values()) == {1}
    run("checkin", "ana", *checkin, "--planned", "mobility", "--replace")
    store = Store.open(url)
    [current] = [item for item in store.recommendations() if item.status != "superseded"]
    assert fired_counts(url).counts == Counter(
        {entry.rule for entry in current.recommendation.rationale}
    )
    run("review", "reject", str(current.id), "--reason", "other", "--reviewer", "kim")
    stats = {item.rule: item for item in rule_stats(store)}
    assert all(item.statuses == Counter({"rejected": 1}) for item in stats.values())
    assert all(item.reasons == Counter({"other": 1}) for item in stats.values())
