"""The per-user cache of loaded sources: read only when nobody else could have written it, keyed
by everything the loaded objects depend on, and the same objects as a fresh load."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from engine.evaluation.rule_sources import load_sources, sources_key
from engine.knowledge.base import load_knowledge_base
from engine.loading import owner_cache
from engine.loading.paths import knowledge_base_dir, rules_dir
from engine.rulebook.ruleset import load_ruleset


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(owner_cache.CACHE_ENV, str(directory))
    monkeypatch.delenv(owner_cache.OFF_ENV, raising=False)
    return directory


def test_round_trip_owner_only(cache: Path) -> None:
    owner_cache.write("x-1", {"a": [1, 2]}, "x-")
    assert owner_cache.read("x-1") == {"a": [1, 2]}
    assert (cache / "x-1.pickle").stat().st_mode & 0o777 == 0o600
    assert cache.stat().st_mode & 0o777 == 0o700
    os.utime(cache / "x-1.pickle", ns=(10**9, 10**9))
    for number in range(2, owner_cache.KEEP + 2):
        owner_cache.write(f"x-{number}", number, "x-")
        os.utime(cache / f"x-{number}.pickle", ns=(number * 10**9, number * 10**9))
    kept = {path.name for path in cache.glob("x-*.pickle")}
    # The oldest version of the same data is removed; the newest KEEP stay.
    assert kept == {f"x-{number}.pickle" for number in range(2, owner_cache.KEEP + 2)}


def test_a_file_others_can_write_is_ignored(cache: Path) -> None:
    owner_cache.write("x-1", "value", "x-")
    os.chmod(cache / "x-1.pickle", 0o666)
    assert owner_cache.read("x-1") is None


def test_a_directory_others_can_write_is_ignored(cache: Path) -> None:
    owner_cache.write("x-1", "value", "x-")
    os.chmod(cache, 0o777)
    assert owner_cache.read("x-1") is None
    owner_cache.write("x-2", "value", "x-")  # nor written into
    assert not (cache / "x-2.pickle").exists()


def test_a_symlink_is_not_followed(cache: Path, tmp_path: Path) -> None:
    owner_cache.write("x-1", "value", "x-")
    (cache / "x-2.pickle").symlink_to(cache / "x-1.pickle")
    assert owner_cache.read("x-2") is None
    elsewhere = tmp_path / "elsewhere"
    cache.rename(elsewhere)
    cache.symlink_to(elsewhere)
    assert owner_cache.read("x-1") is None


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file away needs root")
def test_a_file_of_another_user_is_ignored(cache: Path) -> None:
    owner_cache.write("x-1", "value", "x-")
    os.chown(cache / "x-1.pickle", 4242, 4242)
    assert owner_cache.read("x-1") is None


def test_damaged_file_is_rebuilt(cache: Path) -> None:
    owner_cache.write("x-1", "value", "x-")
    (cache / "x-1.pickle").write_bytes(b"\x80\x05not a pickle")
    assert owner_cache.read("x-1") is None


def test_off_switch(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(owner_cache.OFF_ENV, "1")
    owner_cache.write("x-1", "value", "x-")
    assert not cache.exists()
    assert owner_cache.read("x-1") is None


def test_cached_sources_equal_a_fresh_load(cache: Path) -> None:
    _, ruleset = load_sources(tests=False)
    assert list(cache.glob("eval-*.pickle"))
    cached_kb, cached = load_sources(tests=False)
    fresh_kb = load_knowledge_base()
    fresh = load_ruleset(None, fresh_kb)
    assert cached.version == ruleset.version == fresh.version
    assert cached.settings == fresh.settings
    assert [rule.spec for rule in cached.rules] == [rule.spec for rule in fresh.rules]
    assert cached_kb.exercises == fresh_kb.exercises
    assert cached.cases == [] and fresh.cases  # evaluation never reads the rule cases
    assert load_sources(tests=True)[1].cases == fresh.cases


def test_key_follows_every_source_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    before = sources_key(rules, knowledge_base_dir())
    case = sorted((rules / "cases").glob("*.yaml"))[0]
    case.write_text(case.read_text() + "\n# edited\n")
    assert sources_key(rules, knowledge_base_dir()) != before


def test_version_without_tests_is_the_same() -> None:
    kb = load_knowledge_base()
    assert load_ruleset(None, kb, tests=False).version == load_ruleset(None, kb).version


def test_card_words_come_from_the_cache_as_plain_data(cache: Path, tmp_path: Path) -> None:
    """``today`` words its card from two cached dicts of strings, without unpickling the
    knowledge base or the rule set: the same names and sentences as a fresh load, and an edited
    rule's sentence is seen at once (the key covers the sources)."""
    from engine.app import card_loading
    from engine.app.athlete_card import card_words
    from engine.app.words import Namer

    card_loading._words.cache_clear()
    kb, ruleset = load_sources()
    fresh = card_words(kb, ruleset)
    card_loading.words_for()  # a miss: loaded, then cached
    assert list(cache.glob("words-*.pickle"))
    card_loading._words.cache_clear()
    cached = card_loading.words_for()
    assert not isinstance(cached.namer, Namer)  # built from the cached dicts alone
    assert dict(cached.tells) == dict(fresh.tells) and cached.tells
    ids = [*kb.exercises, *kb.ladders, *kb.programs, *kb.equipment, "low_back", "easy_run"]
    assert [cached.namer.name(i) for i in ids] == [fresh.namer.name(i) for i in ids]

    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    rule_id, told = next(iter(fresh.tells.items()))
    edited = next(path for path in rules.rglob("*.yaml") if told in path.read_text())
    edited.write_text(edited.read_text().replace(told, told + " Edited."))
    assert card_loading.words_for(rules).tells[rule_id] == told + " Edited."
    card_loading._words.cache_clear()
