"""Fuzzing the inputs: no generated request, file or flag ends in a traceback, and no infinite
or NaN number ever reaches the output.

Requests start from the shipped base request with a few values replaced by hostile ones
(non-finite floats, huge or negative numbers, year-1 dates, wrong types, deep lists), written as
YAML or as JSON; raw files are arbitrary bytes; flags are arbitrary text.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import uuid
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli.main import cli
from engine.loading.paths import rules_dir

BASE_DATA = yaml.safe_load((rules_dir() / "fixtures" / "base_request.yaml").read_text())
RUNNER = CliRunner()
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _leaf_paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [path] + [p for key, value in data.items() for p in _leaf_paths(value, (*path, key))]
    if isinstance(data, list):
        return [path] + [
            p for index, value in enumerate(data) for p in _leaf_paths(value, (*path, index))
        ]
    return [path]


PATHS = [path for path in _leaf_paths(BASE_DATA) if path]

HOSTILE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e308, -1.0, 0.0]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "", "yes", "\u0663", "inf"]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str),
    st.text(max_size=20),
    st.booleans(),
    st.none(),
    st.recursive(st.integers(0, 3), lambda inner: st.lists(inner, max_size=3), max_leaves=8),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _refuse_constant(name: str) -> None:
    raise AssertionError(f"{name} in the output")


def _assert_finite(value: Any) -> None:
    if isinstance(value, float):
        assert math.isfinite(value)
    elif isinstance(value, dict):
        for item in value.values():
            _assert_finite(item)
    elif isinstance(value, list):
        for item in value:
            _assert_finite(item)


def _check(result: Any) -> None:
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        data = json.loads(result.stdout, parse_constant=_refuse_constant)
        _assert_finite(data)
    else:
        assert result.stdout == ""
        assert result.stderr.startswith("error") or "Error:" in result.stderr


@FUZZ
@given(
    changes=st.lists(st.tuples(st.sampled_from(PATHS), HOSTILE), min_size=1, max_size=3),
    as_json=st.booleans(),
)
def test_generated_requests_never_crash_nor_print_non_finite_numbers(
    tmp_path: Path, changes: list[tuple[tuple[Any, ...], Any]], as_json: bool
) -> None:
    data = copy.deepcopy(BASE_DATA)
    for path, value in changes:
        try:
            _replace(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    if as_json:
        path = tmp_path / "request.json"
        path.write_text(json.dumps(data, default=str))  # writes NaN and Infinity as JSON can't
    else:
        path = tmp_path / "request.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
    _check(RUNNER.invoke(cli, ["evaluate", "--input", str(path), "--format", "json"]))


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bytes_on_stdin_never_crash(raw: bytes) -> None:
    _check(RUNNER.invoke(cli, ["evaluate", "--input", "-", "--format", "json"], input=raw))


@FUZZ
@given(
    pain=st.text(max_size=12),
    bells=st.text(max_size=12),
    exercise=st.text(max_size=20),
)
def test_arbitrary_flag_values_never_crash(
    tmp_path: Path, pain: str, bells: str, exercise: str
) -> None:
    db = f"sqlite:///{tmp_path / f'fuzz-{uuid.uuid4().hex}.db'}"
    bells_flags = ["--bells", bells, "--1rm", f"goblet_squat={bells}"]
    checkin = ["--recovery", "80", "--slept-well", "--soreness", "1", "--stress", "1"]
    for args, prints_json in (
        (["athlete", "add", "fz", "--level", "beginner", *bells_flags], False),
        (["athlete", "show", "fz", "--format", "json"], True),
        (["checkin", "fz", *checkin, "--pain", pain, "--format", "json"], True),
        (["log", "fz", "--kind", "strength", "--exercise", exercise], False),
    ):
        result = RUNNER.invoke(cli, ["--db", db, *args])
        if prints_json:
            _check(result)
        else:
            assert result.exit_code in (0, 2), (args, result.output, result.exception)
            assert "Traceback" not in result.output
