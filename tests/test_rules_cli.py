"""``runstrong rules list|show|validate|test|season`` on the shipped rules and on broken copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _validate(runner: CliRunner, rules: Path) -> tuple[int, str]:
    result = runner.invoke(cli, ["rules", "validate", "--rules", str(rules)])
    return result.exit_code, result.output + result.stderr


def test_shipped_rules_validate_clean(runner) -> None:
    result = runner.invoke(cli, ["rules", "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 error(s), 0 warning(s)")


def test_broken_yaml_is_reported_with_file_and_line(runner, rules_copy) -> None:
    (rules_copy / "stress.yaml").write_text("rules:\n  - id: RS301\n    name: [oops\n")
    code, output = _validate(runner, rules_copy)
    assert code == 1 and "rules/stress.yaml:" in output and "not valid YAML" in output


def test_unknown_fact_field_is_reported_with_file_and_line(runner, rules_copy) -> None:
    _edit(rules_copy / "stress.yaml", "life_stress: {gte:", "life_stres: {gte:")
    code, output = _validate(runner, rules_copy)
    assert code == 1
    assert "rules/stress.yaml:" in output and "checkin facts have no field 'life_stres'" in output


def test_contradictory_conditions_can_never_fire(runner, rules_copy) -> None:
    _edit(
        rules_copy / "stress.yaml",
        "life_stress: {gte: {setting: stress.high_min}}",
        "life_stress: {gte: 8, lt: 5}",
    )
    code, output = _validate(runner, rules_copy)
    assert code == 1
    assert "rules/stress.yaml:" in output and "RS301: can never fire" in output


def test_pattern_no_rule_concludes(runner, rules_copy) -> None:
    _edit(
        rules_copy / "stress.yaml",
        "where: {name: stress, value: high}",
        "where: {name: stress, value: extreme}",
    )
    code, output = _validate(runner, rules_copy)
    assert code == 1 and "no rule concludes a derived matching derived" in output


def test_equal_priority_contradiction(runner, rules_copy) -> None:
    hiit = rules_copy / "hiit.yaml"
    text = hiit.read_text()
    start = text.index("id: RS208")
    marker = "priority: 65  # after RS205's default dose; the planner keeps the longest rest"
    position = text.index(marker, start)
    hiit.write_text(text[:position] + "priority: 60" + text[position + len(marker) :])
    code, output = _validate(runner, rules_copy)
    assert code == 1
    assert "RS208: contradicts RS205 at the same priority (60) and both can fire" in output
    assert "rules/hiit.yaml:" in output


def test_unknown_knowledge_base_id(runner, rules_copy) -> None:
    _edit(
        rules_copy / "load.yaml",
        "program: pause_training, preference: 54",
        "program: pause_trainin, preference: 54",
    )
    code, output = _validate(runner, rules_copy)
    assert code == 1 and "unknown program 'pause_trainin'" in output


def test_rule_without_cases(runner, rules_copy) -> None:
    cases = rules_copy / "cases" / "stress.yaml"
    text = cases.read_text()
    cases.write_text(text[: text.index("RS302:")])
    code, output = _validate(runner, rules_copy)
    assert code == 1 and "RS302: has no case where it fires" in output


def test_unused_setting_is_a_warning_not_an_error(runner, rules_copy) -> None:
    settings = rules_copy / "settings.yaml"
    settings.write_text(
        settings.read_text()
        + """  spare.knob:
    value: 3
    description: nothing uses this
    sources: [default_ready_to_progress]
"""
    )
    code, output = _validate(runner, rules_copy)
    assert code == 0
    assert (
        f"warning: {rules_copy.as_posix()}/settings.yaml: setting spare.knob is not used" in output
    )


def test_rules_test_passes_with_closing_line(runner) -> None:
    result = runner.invoke(cli, ["rules", "test", "-k", "RS2"])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.endswith(" passed, 0 failed") and not last.startswith("0 ")


def test_rules_test_shows_a_readable_failure(runner, rules_copy) -> None:
    _edit(rules_copy / "settings.yaml", "value: 80\n", "value: 75\n")  # hiit.readiness_min_pct
    result = runner.invoke(cli, ["rules", "test", "--rules", str(rules_copy), "-k", "RS101"])
    assert result.exit_code == 1
    assert "FAIL RS101::fires_below_gate" in result.output
    assert "expected RS101 to fire" in result.output
    assert result.output.strip().splitlines()[-1].endswith("failed")


def test_rules_list_and_show(runner) -> None:
    listed = runner.invoke(cli, ["rules", "list"]).output
    assert "RS101" in listed and "readiness-below-gate" in listed
    shown = runner.invoke(cli, ["--db", "sqlite:///:memory:", "rules", "show", "RS201"]).output
    for needle in (
        "why:",
        "when:",
        "then:",
        "sources:",
        "d2_hiit_cap_per_week",
        "cases:",
        "fired in stored history: 0",
    ):
        assert needle in shown, needle
    assert runner.invoke(cli, ["rules", "show", "RS999"]).exit_code == 2


def _db(tmp_path: Path) -> list[str]:
    return ["--db", f"sqlite:///{tmp_path / 'rules.db'}"]


def test_show_prints_each_setting_value_beside_its_name(runner, tmp_path) -> None:
    result = runner.invoke(cli, [*_db(tmp_path), "rules", "show", "RS101"])
    assert result.exit_code == 0, result.output
    assert "settings:\n    hiit.readiness_min_pct = 80 percent\n" in result.output
    data = runner.invoke(cli, [*_db(tmp_path), "rules", "show", "RS101", "--format", "json"])
    assert '"hiit.readiness_min_pct": 80' in data.output


@pytest.mark.parametrize("wanted", ["rs101", "Rs101", "readiness-below-gate"])
def test_show_finds_a_rule_by_id_in_any_case_or_by_name(runner, tmp_path, wanted) -> None:
    result = runner.invoke(cli, [*_db(tmp_path), "rules", "show", wanted])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("RS101 readiness-below-gate ")


def test_show_refuses_an_unknown_rule(runner, tmp_path) -> None:
    result = runner.invoke(cli, [*_db(tmp_path), "rules", "show", "RS999"])
    assert result.exit_code == 2
    assert "no rule with id or name 'RS999'" in result.stderr


def test_validate_names_files_under_the_directory_given(runner, tmp_path, rules_copy) -> None:
    mine = tmp_path / "my-rules"
    rules_copy.rename(mine)
    (mine / "stress.yaml").write_text("rules:\n  - id: RS301\n    name: [oops\n")
    code, output = _validate(runner, mine)
    assert code == 1
    assert f"{mine.as_posix()}/stress.yaml:" in output
    assert "error: rules/" not in output


def test_rules_test_json(runner) -> None:
    import json

    result = runner.invoke(cli, ["rules", "test", "-k", "RS101", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["failed"] == 0 and data["passed"] == len(data["outcomes"]) >= 2
    assert {outcome["name"] for outcome in data["outcomes"]} >= {"RS101::fires_below_gate"}


# --- rules season ---------------------------------------------------------------------------


def test_rules_season_lists_the_season_scenarios(runner) -> None:
    result = runner.invoke(cli, ["rules", "season"])
    assert result.exit_code == 0, result.output
    names = [line.split(":", 1)[0] for line in result.output.splitlines()]
    assert "beginner_without_cable_or_band" in names
    assert "planned_strength_days_are_not_doubled" in names


def test_rules_season_prints_a_line_a_day_and_the_verdict(runner) -> None:
    result = runner.invoke(cli, ["rules", "season", "beginner_without_cable_or_band"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    first = next(line for line in lines if line.lstrip().startswith("1 "))
    assert "Mon 2026-11-02" in first and "trunk_stability/floor_trio" in first
    assert "bird_dog, dead_bug, short_side_plank" in lines[lines.index(first) + 1]
    day_lines = [line for line in lines if line[:3].strip().isdigit()]
    assert len(day_lines) == 56
    assert lines[-1].startswith("PASS season:beginner_without_cable_or_band")


def test_rules_season_json_carries_every_day(runner) -> None:
    result = runner.invoke(
        cli, ["rules", "season", "lightest_bar_and_regression", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["passed"] is True and data["failures"] == []
    assert len(data["days"]) == 21
    second = data["days"][1]
    assert second["planned"] == "easy_run"
    moves = second["recommendation"]["progressions"]
    assert {"ladder": "pistol_squat", "action": "regress"}.items() <= moves[0].items()
    assert data["days"][2]["logged"] is None  # a rest day logs nothing


def test_rules_season_that_fails_exits_1_with_the_broken_expectation(runner, rules_copy) -> None:
    _edit(
        rules_copy / "seasons" / "beginner_without_cable_or_band.yaml",
        "at_most: 0, to_day: 28}",
        "at_most: 0, to_day: 56}",
    )
    result = runner.invoke(
        cli, ["rules", "season", "beginner_without_cable_or_band", "--rules", str(rules_copy)]
    )
    assert result.exit_code == 1
    assert "FAIL season:beginner_without_cable_or_band" in result.output
    assert "expected at most 0" in result.output


def test_rules_season_unknown_name_is_bad_input_naming_the_known_ones(runner) -> None:
    result = runner.invoke(cli, ["rules", "season", "no_such_season"])
    assert result.exit_code == 2
    message = result.output + result.stderr
    assert "no season 'no_such_season'" in message and "beginner_moves_on" in message


def test_rules_season_broken_file_names_file_and_line(runner, rules_copy) -> None:
    (rules_copy / "seasons" / "broken.yaml").write_text("description: [oops\n")
    result = runner.invoke(cli, ["rules", "season", "--rules", str(rules_copy)])
    assert result.exit_code == 2
    assert "rules/seasons/broken.yaml:" in result.output + result.stderr
