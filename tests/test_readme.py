"""Every command in the README's command sections runs as written on the demo database."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from engine.cli import checkin_cmd
from engine.cli.main import cli
from engine.loading.paths import rules_dir

REPO = Path(__file__).resolve().parent.parent
# Answers for the README's interactive check-in: replace today's, then each question.
INTERACTIVE_ANSWERS = "y\n80\ny\n3\n3\nstrength\nn\n"
# Commands whose README section shows placeholders (FILE, [--option], a|b) rather than runnable
# examples; their own tests cover them. Everything else runs as written.
NOT_RUN_HERE: tuple[str, ...] = ()


def _sh_commands(text: str) -> list[str]:
    """The commands of the sh blocks of ``text``, continuation lines joined."""
    commands: list[str] = []
    for block in text.split("```sh\n")[1:]:
        pending = ""
        for line in block.split("```", 1)[0].splitlines():
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            commands.append((pending + line).strip())
            pending = ""
    return [command for command in commands if command]


def _section(text: str, title: str) -> str:
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def readme_commands() -> list[str]:
    """The commands of the README's tour and of docs/commands.md, in that order."""
    readme = (REPO / "README.md").read_text()
    commands = (REPO / "docs" / "commands.md").read_text()
    return _sh_commands(_section(readme, "A five-minute tour")) + _sh_commands(commands)


# The docs pages whose commands name files, servers or other people's data: each command must
# still name a real subcommand and real options (checked with --help, which runs nothing).
OTHER_PAGES = ("architecture", "importing", "rule-authoring", "storage", "web", "benchmarks")


def other_page_commands() -> list[tuple[str, str]]:
    return [
        (page, command)
        for page in OTHER_PAGES
        for command in _sh_commands((REPO / "docs" / f"{page}.md").read_text())
        if command.startswith("runstrong ")
    ]


def test_the_readme_shows_commands() -> None:
    commands = readme_commands()
    assert len(commands) > 30
    assert any(command.startswith("runstrong review amend") for command in commands)
    readme = (REPO / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    for page in ("commands", *OTHER_PAGES):
        assert f"(docs/{page}.md)" in readme, f"docs/{page}.md is not linked from the README"


@pytest.mark.parametrize(("page", "command"), other_page_commands())
def test_every_command_on_the_other_docs_pages_names_real_options(page: str, command: str) -> None:
    words = shlex.split(command, comments=True)
    result = CliRunner().invoke(cli, [*words[1:], "--help"])
    assert result.exit_code == 0, f"docs/{page}.md: {command}\n{result.output}"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Request files the stateless examples name, and a demo database."""
    request = yaml.safe_load((rules_dir() / "fixtures" / "base_request.yaml").read_text())
    (tmp_path / "request.yaml").write_text(yaml.safe_dump(request))
    (tmp_path / "request.json").write_text(json.dumps(request, default=str))
    (tmp_path / "batch.jsonl").write_text(json.dumps(request, default=str) + "\n")
    plan = REPO / "tests" / "data" / "calendar" / "plan.ics"
    (tmp_path / "plan.ics").write_bytes(plan.read_bytes())
    monkeypatch.chdir(tmp_path)
    # '~/training/runstrong.db' and the like land in the test's own home, never the user's.
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RUNSTRONG_DB", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.delenv("RUNSTRONG_REVIEWER", raising=False)
    made = CliRunner().invoke(cli, ["demo"])
    assert made.exit_code == 0, made.output
    return tmp_path


@pytest.mark.slow  # every command of the tour and docs/commands.md, `rules check` included
def test_every_readme_command_runs_on_the_demo_database(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    for command in readme_commands():
        if command.startswith(NOT_RUN_HERE):
            continue
        words = shlex.split(command, comments=True)
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            monkeypatch.setenv(name, value)
            continue
        if words[0] == "python":
            done = subprocess.run(
                [sys.executable, *words[1:]],
                capture_output=True,
                text=True,
                cwd=REPO,
                env=os.environ.copy(),
            )
            assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
            continue
        assert words[0] == "runstrong", command
        answers = None
        if words[1:] == ["checkin", "ana"]:  # the interactive check-in, as at a terminal
            monkeypatch.setattr(checkin_cmd, "interactive", lambda: True)
            answers = INTERACTIVE_ANSWERS
        result = runner.invoke(cli, words[1:], input=answers)
        monkeypatch.setattr(checkin_cmd, "interactive", lambda: False)
        assert result.exit_code == 0, f"{command}\n{result.output}"
        assert "Traceback" not in result.output


def test_the_readmes_python_example_runs(workdir: Path) -> None:
    """The README's Python API example, as written, in a directory holding request.yaml."""
    readme = (REPO / "README.md").read_text()
    code = _section(readme, "Python API").split("```python\n", 1)[1].split("```", 1)[0]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=workdir, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Heavy lifting for runners" in done.stdout


def benchmark_commands() -> list[str]:
    """The ``python tests/benchmarks/...`` commands of the docs pages (environment settings
    in front of a command left out)."""
    found = []
    for page in sorted((REPO / "docs").glob("*.md")):
        for command in _sh_commands(page.read_text()):
            words = shlex.split(command, comments=True)
            while words and "=" in words[0] and not words[0].startswith("-"):
                words.pop(0)
            if words[:1] == ["python"] and words[1].startswith("tests/benchmarks/"):
                found.append(shlex.join(words))
    return found


def test_the_benchmarks_page_shows_how_each_figure_was_made() -> None:
    assert {shlex.split(command)[1] for command in benchmark_commands()} >= {
        f"tests/benchmarks/bench_{name}.py"
        for name in ("startup", "evaluate", "replay", "review", "scale", "serve_load")
    }


@pytest.mark.parametrize("command", benchmark_commands())
def test_every_benchmark_command_names_a_script_and_its_options(command: str) -> None:
    """Running them takes minutes: each script's --help must list every option used."""
    words = shlex.split(command)
    script = REPO / words[1]
    assert script.is_file(), command
    shown = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, cwd=REPO
    )
    assert shown.returncode == 0, shown.stderr
    for word in words[2:]:
        if word.startswith("--"):
            assert word.split("=")[0] in shown.stdout, f"{command}: {word}"


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it."""
    kept = "".join(c for c in heading.strip().lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    return {
        _slug(line.lstrip("#"))
        for line in page.read_text().splitlines()
        if line.startswith("#") and not line.startswith("#!")
    }


def test_every_link_between_the_docs_pages_resolves() -> None:
    pages = [
        REPO / "README.md",
        REPO / "rules" / "README.md",
        *sorted((REPO / "docs").glob("*.md")),
    ]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.relative_to(REPO)}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
                broken.append(f"{page.relative_to(REPO)}: {target} (no such heading)")
    assert broken == []
