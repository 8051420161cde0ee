"""Hostile and broken input: every case exits 2 with a located message, never a traceback.

Non-finite numbers, year-1 dates, deep nesting, alias bombs, list keys, control characters,
oversized input, non-ASCII digits: through flags, YAML and JSON files, and standard input.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from engine.contract.errors import InputError
from engine.contract.models import AthleteProfile, CheckIn, ExerciseLog
from engine.loading.paths import rules_dir
from engine.loading.yamlio import FAST_LOADER, PURE_LOADER, load_yaml_text

BASE = rules_dir() / "fixtures" / "base_request.yaml"
LOADERS = pytest.mark.parametrize("loader", [FAST_LOADER, PURE_LOADER], ids=["libyaml", "pure"])

BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]"
            for i in range(8)
        ),
    ]
)


def base_data() -> dict:
    return yaml.safe_load(BASE.read_text())


@pytest.fixture
def ana(run) -> None:
    result = run("athlete", "add", "ana", "--level", "beginner", "--equipment", "kettlebell")
    assert result.exit_code == 0, result.output


def refused(result, *words: str) -> None:
    """Exit 2, a message on stderr with each word, no traceback, nothing on stdout."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    for word in words:
        assert word in result.stderr, result.stderr


# --- item 2: Infinity and NaN --------------------------------------------------------------


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_contract_models_refuse_non_finite_numbers(value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        AthleteProfile(id="x", level="beginner", kettlebells_kg=[value])
    with pytest.raises(ValueError, match="finite"):
        AthleteProfile(id="x", level="beginner", one_rep_max_kg={"goblet_squat": value})
    with pytest.raises(ValueError, match="finite"):
        ExerciseLog(id="goblet_squat", sets=3, reps=10, load_kg=value)


@pytest.mark.parametrize("bells", ["8,inf", "8,nan", "8,Infinity", "8,1e999", "8,1_6"])
def test_bells_flag_refuses_non_finite_and_odd_numbers(run, bells: str) -> None:
    refused(run("athlete", "add", "x1", "--level", "beginner", "--bells", bells), "--bells")


def test_one_rep_max_flag_refuses_infinity(run) -> None:
    result = run("athlete", "add", "x1", "--level", "beginner", "--1rm", "goblet_squat=inf")
    refused(result, "--1rm")


def test_exercise_flag_refuses_infinity(run, ana) -> None:
    result = run("log", "ana", "--kind", "strength", "--exercise", "isometric_pistol:3x10@inf")
    refused(result, "--exercise")


@pytest.mark.parametrize("text", [".inf", "-.inf", ".nan", ".NaN", "1.0e+999"])
@LOADERS
def test_yaml_non_finite_numbers_are_refused_with_their_line(text: str, loader) -> None:
    with pytest.raises(InputError, match="finite") as caught:
        load_yaml_text(f"a: 1\nb: [1, {text}]\n", "f.yaml", loader_class=loader)
    assert caught.value.problems[0].line == 2


def test_evaluate_refuses_a_yaml_request_with_infinity(run, tmp_path: Path) -> None:
    text = BASE.read_text().replace("kettlebells_kg: [8, 12", "kettlebells_kg: [.inf, 12")
    path = tmp_path / "r.yaml"
    path.write_text(text)
    refused(run("evaluate", "--input", str(path)), "r.yaml:9", "finite")


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_evaluate_refuses_a_json_request_with_non_finite_numbers(
    run, tmp_path: Path, token: str
) -> None:
    text = json.dumps(base_data(), default=str, indent=1).replace(
        '"level"', f'"x": {token}, "level"'
    )
    path = tmp_path / "r.json"
    path.write_text(text)
    refused(run("evaluate", "--input", str(path)), "r.json:", "finite")


# --- item 3: tracebacks that become messages -------------------------------------------------


def test_checkin_in_year_one_is_refused(run, ana) -> None:
    result = run(
        "checkin", "ana", "--date", "0001-01-01", "--recovery", "80", "--slept-well",
        "--soreness", "2", "--stress", "3",
    )  # fmt: skip
    refused(result, "date", "1900-01-01")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_contract_dates_are_limited_to_a_sane_range(day: str) -> None:
    with pytest.raises(ValueError, match="outside the supported range"):
        CheckIn.model_validate(
            {"date": day, "recovery_pct": 80, "slept_well": True, "soreness": 1, "life_stress": 1}
        )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_deeply_nested_input_is_refused(run, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text("[" * 10_000 + "]" * 10_000)
    refused(run("evaluate", "--input", str(path)), f"deep{suffix}", "nested")


@pytest.mark.parametrize("text", ["[" * 10_000 + "]" * 10_000, "a:\n" + "".join(
    " " * (i + 1) + "b:\n" for i in range(500)
)])  # fmt: skip
@LOADERS
def test_deep_yaml_is_refused_by_both_loaders(text: str, loader) -> None:
    with pytest.raises(InputError, match="nest"):
        load_yaml_text(text, "deep.yaml", loader_class=loader)


@LOADERS
def test_a_yaml_key_that_is_a_list_is_refused(loader) -> None:
    with pytest.raises(InputError, match="key must be a plain value") as caught:
        load_yaml_text("a: 1\n? [x, y]\n: 2\n", "k.yaml", loader_class=loader)
    assert caught.value.problems[0].line == 2


@pytest.mark.parametrize(
    "junk", [b"athlete: \x07\x01\n", b"\x00\x01\x02", b"\xff\xfe\xfa junk", b"{\x1b[31m"]
)
def test_control_characters_and_junk_on_stdin_are_refused(run, junk: bytes) -> None:
    refused(run("evaluate", "--input", "-", input=junk), "<stdin>")


def test_upcoming_that_is_not_a_list_is_refused(run, ana, tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "recovery_pct: 80\nslept_well: true\nsoreness: 2\nlife_stress: 3\nupcoming: 5\n"
    )
    refused(run("checkin", "ana", "--file", str(path)), "c.yaml:5", "upcoming")


def test_a_directory_named_like_a_rule_file_is_reported(
    run, rules_copy: Path, tmp_path: Path
) -> None:
    (rules_copy / "x.yaml").mkdir()
    refused(run("evaluate", "--input", str(BASE), "--rules", str(rules_copy)), "x.yaml")


def test_a_git_ref_whose_rule_file_links_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    from engine.ruletools.replay import export_git_rules

    repo = tmp_path / "repo"
    (repo / "rules").mkdir(parents=True)
    (repo / "rules" / "settings.yaml").symlink_to("/etc/passwd")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "link")
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(InputError, match="outside"):
        export_git_rules("HEAD", target, repo)


# --- item 4: hostile YAML --------------------------------------------------------------------


@LOADERS
def test_an_alias_bomb_is_refused_quickly(loader) -> None:
    start = time.perf_counter()
    with pytest.raises(InputError, match="aliases expand"):
        load_yaml_text(BILLION_LAUGHS, "bomb.yaml", loader_class=loader)
    assert time.perf_counter() - start < 5  # a guard against a hang, not a benchmark


@LOADERS
def test_modest_aliases_still_load(loader) -> None:
    located = load_yaml_text("a: &x [1, 2]\nb: *x\nc: *x\n", "ok.yaml", loader_class=loader)
    assert located.data == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}
    assert located.line_for(("c",)) == 1  # an alias's values are where the anchor wrote them


def test_alias_bombs_are_refused_in_every_file_the_product_reads(
    run, ana, tmp_path: Path, rules_copy: Path, kb_copy: Path
) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS)
    refused(run("evaluate", "--input", str(bomb)), "aliases expand")
    refused(run("athlete", "add", "bo", "--file", str(bomb)), "aliases expand")
    refused(run("checkin", "ana", "--file", str(bomb)), "aliases expand")
    # rules, settings and the knowledge base, through --rules and --kb
    (rules_copy / "bomb.yaml").write_text(BILLION_LAUGHS)
    refused(run("evaluate", "--input", str(BASE), "--rules", str(rules_copy)), "aliases expand")
    (rules_copy / "bomb.yaml").unlink()
    (rules_copy / "settings.yaml").write_text(BILLION_LAUGHS)
    refused(run("evaluate", "--input", str(BASE), "--rules", str(rules_copy)), "settings.yaml")
    (kb_copy / "equipment.yaml").write_text(BILLION_LAUGHS)
    refused(run("evaluate", "--input", str(BASE), "--kb", str(kb_copy)), "equipment.yaml")


def test_amendment_files_go_through_the_same_loader(tmp_path: Path) -> None:
    from engine.contract.models import Session
    from engine.loading.inputs import load_document

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS)
    with pytest.raises(InputError, match="aliases expand"):
        load_document(str(bomb), Session)


def test_oversized_input_is_refused_before_parsing(run, tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(" " * (9 * 1024 * 1024) + "a: 1\n")
    start = time.perf_counter()
    refused(run("evaluate", "--input", str(path)), "big.yaml", "limit")
    assert time.perf_counter() - start < 10  # a guard against a hang, not a benchmark


# --- item 5: JSON read as JSON ---------------------------------------------------------------


def test_json_numbers_in_exponent_form_are_numbers(run, tmp_path: Path) -> None:
    data = base_data()
    text = json.dumps(data, default=str, indent=1).replace(
        '"kettlebells_kg": [\n   8,', '"kettlebells_kg": [\n   2.4E1,'
    )
    assert "2.4E1" in text
    path = tmp_path / "r.json"
    path.write_text(text)
    result = run("evaluate", "--input", str(path), "--format", "json")
    assert result.exit_code == 0, result.output


def test_json_yes_is_not_a_boolean(run, tmp_path: Path) -> None:
    data = base_data()
    data["checkin"]["slept_well"] = "yes"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, default=str, indent=2))
    result = run("evaluate", "--input", str(path))
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if '"slept_well"' in t)
    refused(result, f"r.json:{line}", "checkin.slept_well")


def test_json_on_stdin_is_read_as_json(run) -> None:
    data = base_data()
    data["checkin"]["slept_well"] = "yes"
    refused(run("evaluate", "--input", "-", input=json.dumps(data, default=str)), "slept_well")


def test_json_errors_keep_their_line_numbers(run, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('{\n  "athlete": {"id": "a", "level": "beginner"},\n  "checkin": {,}\n}\n')
    refused(run("evaluate", "--input", str(path)), "r.json:3", "not valid JSON")
    path.write_text('{\n  "athlete": {"id": "a",\n  "id": "b"}\n}\n')
    refused(run("evaluate", "--input", str(path)), "r.json:3", "duplicate key")


def test_yaml_stays_yaml(run, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(BASE.read_text().replace("slept_well: true", "slept_well: yes"))
    assert run("evaluate", "--input", str(path)).exit_code == 0


# --- item 9: ASCII digits only ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("--pain", "knee:\u0663"),
        ("--recovery", "\u0668\u0660"),
        ("--soreness", "\uff12"),
    ],
)
def test_numeric_flags_take_ascii_digits_only(run, ana, args: tuple[str, str]) -> None:
    base = {"--recovery": "80", "--soreness": "2", "--stress": "3"}
    base.update({args[0]: args[1]} if args[0] != "--pain" else {})
    flags = [item for pair in base.items() for item in pair]
    if args[0] == "--pain":
        flags += list(args)
    refused(run("checkin", "ana", "--slept-well", *flags), args[0])


def test_program_week_and_exercise_counts_take_ascii_digits_only(run, ana) -> None:
    refused(
        run("athlete", "add", "x2", "--level", "beginner", "--program",
            "heavy_lifting_for_runners:\u0663"),
        "--program",
    )  # fmt: skip
    refused(run("log", "ana", "--kind", "strength", "--exercise", "goblet_squat:\u0663x10"),
            "--exercise")  # fmt: skip
