"""The command line's shell: lazy start-up, -V, the one top-level handler, plain errors."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from engine.cli import main as main_module
from engine.cli.crash import EXIT_BUG, durable_repair_command
from engine.cli.main import COMMANDS, cli
from engine.contract.errors import PATTERN_WORDS
from engine.loading.owner_cache import CACHE_ENV

REPO = Path(__file__).resolve().parent.parent


def modules_after(*args: str, cache_dir: Path | None = None) -> set[str]:
    """The modules a fresh interpreter has imported after running ``runstrong ARGS``, with
    its per-user cache in CACHE_DIR when given."""
    code = (
        "import sys, json\n"
        "from engine.cli.main import cli\n"
        "try:\n"
        f"    cli({list(args)!r}, prog_name='runstrong')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = dict(os.environ)
    if cache_dir is not None:
        env[CACHE_ENV] = str(cache_dir)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO, env=env
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("-V",)])
def test_help_and_version_import_no_storage_engine_or_models(args: tuple[str, ...]) -> None:
    modules = modules_after(*args)
    heavy = {
        "sqlalchemy",
        "alembic",
        "pydantic",
        "durable",
        "yaml",
        "rich",
        "engine.storage",
        "engine.core",
        "engine.contract.models",
        "engine.app",
    }
    assert not heavy & {name.split(".")[0] for name in modules} - {"engine"}
    assert not {name for name in modules if name.startswith(("engine.storage", "engine.core"))}
    assert "engine.contract.models" not in modules


def test_evaluate_does_not_import_storage() -> None:
    modules = modules_after("evaluate", "--input", str(REPO / "rules/fixtures/base_request.yaml"))
    assert "engine.core.evaluator" in modules
    assert not {name for name in modules if name.startswith(("engine.storage", "sqlalchemy"))}


@pytest.mark.parametrize("command", [("today", "demo-runner"), ("review", "list")])
def test_reading_commands_need_neither_the_rule_engine_nor_alembic(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    """Showing the day's card or the queue reads the database (and the queue one setting): no
    rule engine, no hypothesis, no calendar parser, no Alembic on an up-to-date schema."""
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    assert CliRunner().invoke(cli, ["--db", db, "demo"]).exit_code == 0
    # An empty cache of its own, so that the first run here is a first run whatever ran before.
    cache = tmp_path / "cache"
    first = modules_after("--db", db, *command, cache_dir=cache)
    # The first run fills the per-user cache, the next runs read it: the card's words from the
    # loaded knowledge base, the queue's compiled statements and settings through the store.
    filled_from = "engine.knowledge" if command[0] == "today" else "sqlalchemy"
    assert any(name == filled_from or name.startswith(filled_from + ".") for name in first)
    modules = modules_after("--db", db, *command, cache_dir=cache)
    for heavy in ("durable", "alembic", "hypothesis", "icalendar", "yaml"):
        assert not {name for name in modules if name.split(".")[0] == heavy or name == heavy}, heavy
    assert "engine.core.evaluator" not in modules
    # On an SQLite file: Python's sqlite3, no SQLAlchemy at all, and the card's words and the
    # queue's settings from the cache, without the knowledge-base and rule-set classes.
    assert not {name for name in modules if name.split(".")[0] == "sqlalchemy"}
    assert "engine.storage.store" not in modules
    assert not {
        name for name in modules if name.startswith(("engine.knowledge", "engine.rulebook"))
    }


def test_the_help_table_matches_each_commands_own_help() -> None:
    ctx = click.Context(cli)
    for name, (_, _, help_text) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None
        assert command.name == name
        assert command.get_short_help_str(300) == help_text, name


def test_dash_capital_v_prints_the_version() -> None:
    result = CliRunner().invoke(cli, ["-V"])
    assert result.exit_code == 0
    assert result.output.startswith("runstrong, version ")


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "logs"
    monkeypatch.setattr("engine.cli.crash.log_dir", lambda: target)
    return target


def test_an_unexpected_error_is_one_line_with_its_log(log_dir: Path, monkeypatch) -> None:
    def broken(name: str) -> dict[str, object]:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("engine.cli.schema_cmd.schema_for", broken)
    result = CliRunner().invoke(cli, ["schema", "checkin"])
    assert result.exit_code == EXIT_BUG
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "this is a bug" in lines[0]
    assert "Traceback" not in result.output
    (log,) = log_dir.iterdir()
    assert str(log) in lines[0]
    assert "ZeroDivisionError: boom" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700


def test_the_real_entry_point_uses_the_same_handler(tmp_path: Path) -> None:
    """Through ``python -m engine`` a crash prints one line and exits 70 (XDG dirs in tmp)."""
    code = (
        "import engine.cli.schema_cmd as s\n"
        "def broken(name):\n"
        "    raise RuntimeError('boom')\n"
        "s.schema_for = broken\n"
        "from engine.cli.main import main\n"
        "import sys; sys.argv = ['runstrong', 'schema', 'checkin']\n"
        "main()\n"
    )
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO
    )
    assert result.returncode == EXIT_BUG
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    logged = list(tmp_path.rglob("crash-*.log"))
    assert len(logged) == 1
    assert stat.S_IMODE(logged[0].stat().st_mode) == 0o600


def test_a_broken_durable_rules_build_prints_the_repair_command(monkeypatch, log_dir) -> None:
    real_import = main_module.importlib.import_module

    def fake_import(name: str):
        if name == "engine.cli.evaluate_cmd":
            raise ImportError(
                "/venv/lib/durable_rules_engine.cpython-313.so: undefined symbol: PyEval_CallObject"
            )
        return real_import(name)

    monkeypatch.setattr(main_module.importlib, "import_module", fake_import)
    monkeypatch.delitem(cli.commands, "evaluate", raising=False)  # loaded by an earlier test
    result = CliRunner().invoke(cli, ["evaluate", "--input", "x.yaml"])
    assert result.exit_code == EXIT_BUG
    assert durable_repair_command() in result.stderr
    assert sys.executable in result.stderr
    assert "Traceback" not in result.output


def test_id_errors_speak_plain_language() -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", "--input", "-"], input='{"athlete": {"id": "a b!"}}'
    )
    assert result.exit_code == 2
    assert "should match pattern" not in result.stderr
    assert "^" not in result.stderr
    assert "is not an athlete id" in result.stderr


def _patterns(schema: object) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                found.add(value)
            else:
                found |= _patterns(value)
    elif isinstance(schema, list):
        for item in schema:
            found |= _patterns(item)
    return found


def test_every_pattern_in_a_published_schema_has_plain_words() -> None:
    from engine.cli.schema_cmd import SCHEMAS, schema_for
    from engine.ruletools.invariants.spec import InvariantFile

    patterns: set[str] = set()
    for name in [*SCHEMAS, "rule-cases"]:
        patterns |= _patterns(schema_for(name))
    patterns |= _patterns(InvariantFile.model_json_schema())
    missing = patterns - set(PATTERN_WORDS)
    assert not missing


@pytest.mark.parametrize(("before", "after"), [(None, "__all__"), ("", ""), ("logfire", "logfire")])
def test_the_command_skips_pydantics_plugin_search_unless_asked(
    before: str | None, after: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = main_module.PLUGIN_SEARCH[0]
    if before is None:
        monkeypatch.delenv(name, raising=False)
    else:
        monkeypatch.setenv(name, before)
    seen: list[str | None] = []
    monkeypatch.setattr(main_module, "cli", lambda **_: seen.append(os.environ.get(name)))
    main_module.main()
    assert seen == [after]


def test_a_reader_that_stops_reading_is_not_a_bug(tmp_path: Path) -> None:
    """``runstrong kb list exercises | head -1``: the pipe closes under the command."""
    done = subprocess.Popen(
        [sys.executable, "-m", "engine", "kb", "list", "exercises"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path)},
    )
    assert done.stdout is not None and done.stderr is not None
    done.stdout.close()
    error = done.stderr.read().decode()
    assert done.wait() == main_module.EXIT_PIPE_CLOSED
    assert error == ""
    assert not list(tmp_path.rglob("crash-*.log"))
