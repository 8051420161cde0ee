"""Rule files are checked against the fact models, settings and knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.contract.errors import InputError
from engine.rulebook.compiler import compile_ruleset
from engine.rulebook.ruleset import load_ruleset


def _problems(root: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_ruleset(root)
    return str(caught.value)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_bundled_rules_load_and_compile(evaluator) -> None:
    compiled = compile_ruleset(evaluator.ruleset)
    assert len(compiled.rules) == len(evaluator.ruleset.rules) >= 50
    assert evaluator.ruleset.version.startswith("2026.")


def test_unknown_fact_field(rules_copy: Path) -> None:
    _edit(rules_copy / "readiness.yaml", "recovery_pct: {lt:", "recovery_percent: {lt:")
    message = _problems(rules_copy)
    assert "rules/readiness.yaml:" in message
    assert "checkin facts have no field 'recovery_percent'" in message


def test_unknown_setting(rules_copy: Path) -> None:
    _edit(rules_copy / "hiit.yaml", "setting: hiit.max_per_7_days", "setting: hiit.max_per_week")
    assert "unknown setting 'hiit.max_per_week'" in _problems(rules_copy)


def test_unknown_source(rules_copy: Path) -> None:
    _edit(rules_copy / "stress.yaml", "sources: [d2_life_stress_counts,", "sources: [d2_made_up,")
    assert "unknown source 'd2_made_up'" in _problems(rules_copy)


def test_duplicate_rule_id(rules_copy: Path) -> None:
    _edit(rules_copy / "stress.yaml", "id: RS302", "id: RS301")
    assert "duplicate rule id RS301" in _problems(rules_copy)


def test_value_that_can_never_match(rules_copy: Path) -> None:
    _edit(rules_copy / "hiit.yaml", "where: {planned: hiit}", "where: {planned: hitt}")
    _edit(rules_copy / "ladders.yaml", 'recent_posture_held: "yes"', "recent_posture_held: true")
    message = _problems(rules_copy)
    assert "'hitt' can never match checkin.planned" in message
    assert "True can never match ladder.recent_posture_held" in message


def test_comparison_on_text_field(rules_copy: Path) -> None:
    _edit(rules_copy / "pain.yaml", "area: low_back\n", "area: {gt: 3}\n")
    assert "'gt' needs a number field" in _problems(rules_copy)


def test_unknown_conclusion_field(rules_copy: Path) -> None:
    _edit(
        rules_copy / "stress.yaml",
        "constrain: {kind: no_hiit}",
        "constrain: {kind: no_hiit, severity: 3}",
    )
    assert "constraint conclusions have no field 'severity'" in _problems(rules_copy)


def test_ref_to_unknown_pattern(rules_copy: Path) -> None:
    _edit(
        rules_copy / "ladders.yaml",
        "to_stage: {ref: ladder.next_stage}",
        "to_stage: {ref: rung.next_stage}",
    )
    assert "ref names unknown pattern 'rung'" in _problems(rules_copy)


def test_broken_yaml_names_file_and_line(rules_copy: Path) -> None:
    (rules_copy / "broken.yaml").write_text("rules:\n  - id: RS999\n    name: [unclosed\n")
    message = _problems(rules_copy)
    assert "rules/broken.yaml:" in message and "not valid YAML" in message


def test_missing_summary_is_a_schema_error(rules_copy: Path) -> None:
    _edit(
        rules_copy / "stress.yaml",
        "    summary: Life stress at or above the high mark makes today a high-stress day.\n",
        "",
    )
    message = _problems(rules_copy)
    assert "summary" in message and "required field is missing" in message


def test_cases_for_unknown_rule(rules_copy: Path) -> None:
    (rules_copy / "cases" / "extra.yaml").write_text("RS998:\n  x:\n    fires: true\n")
    assert "cases for unknown rule 'RS998'" in _problems(rules_copy)
