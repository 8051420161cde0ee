"""The two YAML parsers and the JSON path give the same data and the same lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from engine.contract.errors import InputError
from engine.loading.inputs import is_json, load_text
from engine.loading.jsonio import json_line_map, load_json_text
from engine.loading.paths import knowledge_base_dir, rules_dir
from engine.loading.yamlio import FAST_LOADER, PURE_LOADER, load_yaml_text

SHIPPED = sorted([*rules_dir().rglob("*.yaml"), *knowledge_base_dir().rglob("*.yaml")])


def test_libyaml_is_used_when_present() -> None:
    assert yaml.__with_libyaml__, "this machine has libyaml; CI should exercise the fast path"
    assert FAST_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_both_loaders_give_identical_data_and_lines(path: Path) -> None:
    text = path.read_text()
    fast = load_yaml_text(text, str(path), loader_class=FAST_LOADER)
    pure = load_yaml_text(text, str(path), loader_class=PURE_LOADER)
    assert fast.data == pure.data == yaml.safe_load(text)
    assert fast.lines == pure.lines
    assert len(fast.lines) > 1


@pytest.mark.parametrize("loader", [FAST_LOADER, PURE_LOADER])
def test_both_loaders_refuse_duplicate_keys_at_the_same_line(loader) -> None:
    with pytest.raises(InputError) as caught:
        load_yaml_text("a:\n  b: 1\n  c: 2\n  b: 3\n", "d.yaml", loader_class=loader)
    (problem,) = caught.value.problems
    assert problem.line == 4
    assert "duplicate key 'b' (first at line 2)" in problem.message


@pytest.mark.parametrize("loader", [FAST_LOADER, PURE_LOADER])
def test_both_loaders_report_syntax_errors_with_a_line(loader) -> None:
    with pytest.raises(InputError) as caught:
        load_yaml_text("a: 1\nb: [1, 2\nc: 3\n", "s.yaml", loader_class=loader)
    assert caught.value.problems[0].line is not None


def test_json_line_map_matches_where_values_are_written() -> None:
    text = '{\n  "a": 1,\n  "b": [\n    {"c": "x,y"},\n    2.5e1\n  ],\n  "d": {"e\\"": null}\n}'
    lines = json_line_map(text, "t.json")
    assert lines[()] == 1
    assert lines[("a",)] == 2
    assert lines[("b",)] == 3
    assert lines[("b", 0)] == 4
    assert lines[("b", 0, "c")] == 4
    assert lines[("b", 1)] == 5
    assert lines[("d", 'e"')] == 7


def test_json_lines_are_built_only_when_an_error_asks() -> None:
    located = load_json_text('{"a": [1, 2]}', "t.json")
    assert located.locate is not None and located.lines == {}
    assert located.line_for(("a", 1)) == 1
    assert located.locate is None


def test_the_shipped_base_request_reads_the_same_as_json_and_yaml() -> None:
    text = (rules_dir() / "fixtures" / "base_request.yaml").read_text()
    data = yaml.safe_load(text)
    as_json = json.dumps(data, default=str, indent=2)
    assert load_text(as_json, "r.json").data == json.loads(as_json)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("r.json", "a: 1", True),
        ("r.JSON", "{}", True),
        ("r.yaml", "{}", False),
        ("<stdin>", '  {"a": 1}', True),
        ("<stdin>", "a: 1", False),
    ],
)
def test_which_parser_reads_what(name: str, text: str, expected: bool) -> None:
    assert is_json(text, name) is expected
