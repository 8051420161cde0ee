"""The generated rule docs (REFERENCE.md, the catalogue map in README.md) are never stale."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from engine.cli.main import cli
from engine.knowledge.base import default_knowledge_base
from engine.rulebook.ruleset import load_ruleset
from engine.ruletools.docs import MAP_BEGIN, generated_docs


def test_committed_docs_are_up_to_date() -> None:
    stale = [
        doc.shown for doc in generated_docs(load_ruleset(), default_knowledge_base()) if doc.stale
    ]
    assert not stale, f"stale generated docs {stale}: run 'runstrong rules docs' and commit them"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _docs(rules: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["rules", "docs", "--rules", str(rules), *args])
    return result.exit_code, result.output + result.stderr


def test_check_fails_on_a_changed_rule_until_the_docs_are_regenerated(rules_copy: Path) -> None:
    assert _docs(rules_copy, "--check")[0] == 0
    _edit(
        rules_copy / "readiness.yaml",
        "summary: Recovery below the HIIT readiness gate marks today's readiness as low.",
        "summary: Recovery under the readiness gate makes today a low-readiness day.",
    )
    code, output = _docs(rules_copy, "--check")
    assert code == 1 and "stale:" in output and "REFERENCE.md" in output
    assert _docs(rules_copy)[0] == 0
    assert "makes today a low-readiness day" in (rules_copy / "REFERENCE.md").read_text()
    assert _docs(rules_copy, "--check") == (0, "docs are up to date\n")


def test_the_map_follows_the_rules_catalogue_fields(rules_copy: Path) -> None:
    _edit(rules_copy / "readiness.yaml", "catalogue: [H3]", "catalogue: [H3, H11]")
    assert _docs(rules_copy)[0] == 0
    row = next(
        line
        for line in (rules_copy / "README.md").read_text().splitlines()
        if line.startswith("| H11 |")
    )
    assert "[RS101](REFERENCE.md#rs101-readiness-below-gate)" in row


def test_a_catalogue_id_no_entry_has_is_refused(rules_copy: Path) -> None:
    _edit(rules_copy / "readiness.yaml", "catalogue: [H3]", "catalogue: [H3, H99]")
    code, output = _docs(rules_copy)
    assert code == 2 and "RS101 list H99, which catalogue.yaml does not have" in output


def test_a_readme_without_the_markers_is_refused(rules_copy: Path) -> None:
    _edit(rules_copy / "README.md", MAP_BEGIN, "")
    code, output = _docs(rules_copy)
    assert code == 2 and "catalogue-map markers are missing" in output
