"""Bad input that used to exit 70 ("a bug") or be stored: each is now refused with
exit 2, naming the field (or file and line) and the range, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.snapshots import snapshot

TABLES = ("athletes", "session_logs", "checkins", "recommendations", "calendar_entries")
HUGE_ID = "9" * 23  # beyond 64 bits


@pytest.fixture
def ana(run) -> None:
    result = run("athlete", "add", "ana", "--level", "intermediate", "--equipment", "mat")
    assert result.exit_code == 0, result.output


def _refused(run, db: str, *args: str) -> str:
    before = snapshot(db, TABLES)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "this is a bug" not in result.output
    assert snapshot(db, TABLES) == before
    return result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date: 2026-02-30\nrecovery: 80\n", "bad.yaml:1: date: '2026-02-30' is not a valid date"),
        ("recovery: " + "9" * 5000 + "\n", "bad.yaml:1: recovery: '99999999999999999999..."),
    ],
)
def test_yaml_values_python_cannot_hold(run, db, ana, tmp_path: Path, text, expected) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    output = _refused(run, db, "checkin", "ana", "--file", str(path))
    assert expected in output.replace(str(tmp_path) + "/", "")


def test_a_calendar_id_beyond_64_bits(run, db, ana) -> None:
    output = _refused(run, db, "calendar", "remove", "ana", HUGE_ID)
    assert f"no calendar entry {HUGE_ID}" in output


@pytest.mark.parametrize("flag", ["--on", "--skip"])
def test_a_calendar_date_past_2199(run, db, ana, flag: str) -> None:
    value = "2300-01-01" if flag == "--skip" else "2300-01-01:easy_run"
    output = _refused(run, db, "calendar", "add", "ana", flag, value)
    assert f"{flag}: 2300-01-01 is outside the range 1900-01-01 to 2199-12-31" in output


def test_a_symlink_loop_as_the_knowledge_base(run, db, ana, tmp_path: Path) -> None:
    loop = tmp_path / "kb"
    loop.symlink_to(loop)
    output = _refused(run, db, "kb", "list", "exercises", "--kb", str(loop))
    assert f"{loop}: cannot follow the path" in output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("log", "ana", "--kind", "strength", "--exercise", "narrow_stance_squat:3x10@99999999"),
            "exercises[0].load_kg: Input should be less than or equal to 600",
        ),
        (
            ("log", "ana", "--kind", "strength", "--exercise", "narrow_stance_squat:500x10"),
            "exercises[0].sets: Input should be less than or equal to 100",
        ),
        (
            ("athlete", "edit", "ana", "--bells", "500"),
            "kettlebells_kg[0]: Input should be less than or equal to 200",
        ),
        (
            ("athlete", "edit", "ana", "--1rm", "single_kettlebell_front_rack_squat=3000"),
            "one_rep_max_kg.single_kettlebell_front_rack_squat: Input should be less than or "
            "equal to 600",
        ),
        (
            ("athlete", "edit", "ana", "--program", "heavy_lifting_for_runners:999"),
            "programs[0].week: Input should be less than or equal to 104",
        ),
        (
            (
                "review",
                "amend",
                "1",
                "--reviewer",
                "sam",
                "--dose",
                "narrow_stance_squat=3x8@9999",
            ),
            "load 9999 is out of range: 1 to 600",
        ),
        (
            ("athlete", "edit", "ana", "--program", "heavy_lifting_for_runners:7"),
            "'heavy_lifting_for_runners' has no week 7; its weeks run 1 to 3",
        ),
        (
            (
                "log",
                "ana",
                "--kind",
                "strength",
                "--exercise",
                "narrow_stance_squat:3x10@" + "9" * 400,
            ),
            "load must be numbers",
        ),
    ],
)
def test_absurd_values_are_refused_with_the_range(run, db, ana, args, expected) -> None:
    assert expected in _refused(run, db, *args)


def test_a_dose_load_of_400_digits_is_no_number() -> None:
    from engine.cli.parsing import decimal_number

    with pytest.raises(ValueError, match="too large a number"):
        decimal_number("9" * 400)


def test_a_log_is_changed_only_as_its_own_athletes(run, db, ana) -> None:
    assert run("athlete", "add", "bo", "--level", "beginner").exit_code == 0
    logged = run("log", "bo", "--kind", "easy_run", "--duration", "30")
    assert logged.exit_code == 0, logged.output
    bos = logged.output.rsplit("#", 1)[1].rstrip(")\n")
    output = _refused(run, db, "log", "edit", "ana", bos, "--duration", "45")
    assert f"LOG_ID: session log #{bos} is not ana's" in output
    _refused(run, db, "log", "delete", "ana", bos)
    # Without a name, a script is told whose log it is and how to name the athlete.
    unnamed = _refused(run, db, "log", "edit", bos, "--duration", "45")
    assert f"name the athlete: runstrong log edit bo {bos}" in unnamed
    assert "is not ana's" in _refused(run, db, "log", "show", "ana", bos)
    edited = run("log", "edit", "bo", bos, "--duration", "45")
    assert edited.exit_code == 0, edited.output
