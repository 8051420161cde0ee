"""The settings the engine reads itself must be in the settings file: no fallback in code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from engine.contract.errors import InputError
from engine.rulebook.engine_settings import ENGINE_SETTINGS, EngineSettings
from engine.rulebook.ruleset import load_ruleset


def _rewrite_settings(root: Path, change) -> None:  # type: ignore[no-untyped-def]
    path = root / "settings.yaml"
    data = yaml.safe_load(path.read_text())
    change(data["settings"])
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.parametrize("key", sorted(ENGINE_SETTINGS))
def test_a_missing_engine_setting_is_a_load_error_naming_it(rules_copy: Path, key: str) -> None:
    _rewrite_settings(rules_copy, lambda settings: settings.pop(key))
    with pytest.raises(InputError) as caught:
        load_ruleset(rules_copy)
    message = str(caught.value)
    assert f"setting {key} is missing" in message
    assert "rules/settings.yaml" in message


def test_a_renamed_setting_is_refused_not_silently_defaulted(rules_copy: Path) -> None:
    def rename(settings: dict) -> None:  # type: ignore[type-arg]
        settings["hiit.work_seconds"] = settings.pop("hiit.work_s")

    _rewrite_settings(rules_copy, rename)
    with pytest.raises(InputError, match=r"setting hiit\.work_s is missing"):
        load_ruleset(rules_copy)


@pytest.mark.parametrize(
    ("key", "value", "wanted"),
    [
        ("hiit.rounds", "eight", "must be a whole number"),
        ("hiit.count_quality_runs", 1, "must be true or false"),
        ("mobility.block_roles", "warm_up", "must be a list of names"),
        ("planning.main_ruled_out_max_fraction", "half", "must be a number"),
    ],
)
def test_an_engine_setting_of_the_wrong_type_is_refused(
    rules_copy: Path, key: str, value: object, wanted: str
) -> None:
    _rewrite_settings(rules_copy, lambda settings: settings[key].update(value=value))
    with pytest.raises(InputError) as caught:
        load_ruleset(rules_copy)
    assert f"setting {key} {wanted}" in str(caught.value)


def test_the_engine_reads_its_choices_from_the_settings(rules_copy: Path, make_request) -> None:  # type: ignore[no-untyped-def]
    """A changed setting changes the plan: the code holds no copy of the value."""
    from engine.evaluation.evaluators import get_evaluator

    def change(settings: dict) -> None:  # type: ignore[type-arg]
        settings["run.easy_run_note"]["value"] = "Nose breathing only."
        settings["hiit.interval_exercise_note"]["value"] = "any full-body move"

    _rewrite_settings(rules_copy, change)
    evaluator = get_evaluator(rules_copy)
    # Low recovery on a HIIT day: the HIIT becomes an easy run (scenario low_recovery_on_hiit_day).
    easy = evaluator.evaluate(make_request(checkin={"recovery_pct": 70, "planned": "hiit"}))
    assert easy.session.kind == "easy_run"
    # Ladder practice may go before the run (RS707), so find the run block by its role.
    (run,) = [block for block in easy.session.blocks if block.role == "run"]
    assert run.notes == ["30-45 minutes", "Nose breathing only."]
    hiit = evaluator.evaluate(make_request(checkin={"recovery_pct": 95, "planned": "hiit"}))
    assert hiit.session.kind == "hiit"
    interval = hiit.session.blocks[0].exercises[0]
    assert interval.notes == ["any full-body move"]


def test_the_engine_code_reads_no_setting_by_a_string_key() -> None:
    """The engine's code reads its settings as typed attributes (``settings.hiit.work_s``):
    a ``settings["x.y"]`` would be a KeyError waiting for a renamed setting. Only the rule
    tools read settings by key, because a rule or invariant names its setting in YAML."""
    engine = Path(__file__).resolve().parent.parent / "engine"
    generic = {"rulebook", "ruletools"}
    found = [
        f"{path.relative_to(engine)}: {match}"
        for path in engine.rglob("*.py")
        if path.relative_to(engine).parts[0] not in generic
        for match in re.findall(r"settings(?:\(\))?\[[\"'][a-z_0-9.]+[\"']\]", path.read_text())
    ]
    assert found == []


def test_the_typed_settings_hold_every_declared_setting_with_its_type(rules_copy: Path) -> None:
    """The typed object and the load-time check are one declaration: each declared key is an
    attribute of the group its prefix names, with the value from the settings file."""
    ruleset = load_ruleset(rules_copy)
    typed = ruleset.engine_settings
    for key in ENGINE_SETTINGS:
        group, name = key.split(".", 1)
        assert getattr(getattr(typed, group), name) == ruleset.settings[key], key
    assert typed.hiit.work_s == ruleset.settings["hiit.work_s"]
    assert typed.run.session("long_run") is not None
    assert typed.run.session("mobility") is None


def test_a_mistyped_setting_given_to_the_typed_object_names_the_key() -> None:
    from engine.rulebook.ruleset import load_ruleset as load

    settings = dict(load().settings)
    settings["hiit.rounds"] = "eight"
    with pytest.raises(ValueError, match=r"setting hiit\.rounds must be a whole number"):
        EngineSettings.from_settings(settings)


def test_a_setting_out_of_its_units_range_is_refused_with_the_range(rules_copy) -> None:
    """A negative HIIT cap (or a 120% load) is a typing error: the rule directory is refused,
    naming the file, the line, the setting and the range."""
    from engine.contract.errors import InputError
    from engine.rulebook.ruleset import load_ruleset

    path = rules_copy / "settings.yaml"
    text = path.read_text()
    marker = "  hiit.max_per_7_days:\n    value: 2\n"
    assert marker in text
    path.write_text(text.replace(marker, "  hiit.max_per_7_days:\n    value: -2\n"))
    with pytest.raises(InputError) as caught:
        load_ruleset(rules_copy)
    message = str(caught.value)
    assert "settings.yaml:14" in message
    assert "hiit.max_per_7_days: -2 sessions is out of range: 0 to 100" in message
