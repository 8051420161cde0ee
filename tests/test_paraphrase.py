"""Facts and numbers carry over from the articles; their sentences do not.

Every piece of prose in the knowledge base and the rules is checked against the five seed
articles: no run of eight words may match the source text. Titles of the articles (which are
names, quoted on purpose) are the only exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from .conftest import REPO, SEEDS

RUN = 8
SKIPPED_KEYS = {"id", "sources", "file", "title", "parts"}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def _runs(words: list[str]) -> Iterator[str]:
    for start in range(len(words) - RUN + 1):
        yield " ".join(words[start : start + RUN])


def _prose(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in SKIPPED_KEYS:
                yield from _prose(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _prose(value, f"{path}[{index}]")
    elif isinstance(node, str) and len(node.split()) >= RUN:
        yield path, node


def test_no_sentence_is_copied_from_the_articles() -> None:
    if not SEEDS.is_dir():
        pytest.skip("the shared seed articles are not beside this checkout")
    source_runs: set[str] = set()
    for seed in SEEDS.glob("*.txt"):
        source_runs.update(_runs(_words(seed.read_text(encoding="utf-8"))))
    copied = []
    files = sorted((REPO / "knowledge_base").rglob("*.yaml")) + sorted(
        (REPO / "rules").rglob("*.yaml")
    )
    for path in files:
        for where, text in _prose(yaml.safe_load(path.read_text(encoding="utf-8"))):
            match = next((run for run in _runs(_words(text)) if run in source_runs), None)
            if match:
                copied.append(f"{path.relative_to(REPO)}{where}: '{match}'")
    assert not copied, "copied from the articles:\n" + "\n".join(copied)
