"""The interactive check-in as a person meets it: in a real terminal (tmux), typing answers.

Skipped only when tmux is not installed (.ci/run installs it). Each wait for the screen lasts
as long as the command makes progress (tests/progress.py), not a fixed time.
"""

from __future__ import annotations

import datetime as dt
import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from tests.progress import children, proc_stat, wait_until

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One tmux pane on a private server: type into it, read what it shows."""

    def __init__(self, socket: str, command: str) -> None:
        self.socket = socket
        self._tmux("new-session", "-d", "-x", "200", "-y", "50", "-s", "t", command)
        self.pid = int(self._tmux("display-message", "-p", "-t", "t", "#{pane_pid}"))

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "t")

    def wait_for(self, text: str) -> str:
        """Wait until the screen shows ``text``, for as long as the pane's processes use CPU or
        the screen changes; a text that never comes fails once all is still (the command
        waiting for an answer) for the stall window."""
        shown = ""

        def appeared() -> bool:
            nonlocal shown
            shown = self.screen()
            return text in shown

        wait_until(
            appeared,
            what=f"{text!r} on the screen",
            watch=lambda: [
                proc_stat(pid) for pid in [self.pid, *children(self.pid, recursive=True)]
            ],
            progress=lambda: shown,
            describe=lambda: f"The screen shows:\n{shown}",
            poll_s=0.1,
        )
        return shown

    def type(self, answer: str) -> None:
        self._tmux("send-keys", "-t", "t", "-l", answer)
        self._tmux("send-keys", "-t", "t", "Enter")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tty.db'}"
    added = CliRunner().invoke(
        cli,
        [
            *("--db", url, "athlete", "add", "ana", "--level", "intermediate", "--coach"),
            *("--equipment", "kettlebell,kettlebell_pair,box,mat", "--bells", "12,16,20"),
        ],
    )
    assert added.exit_code == 0, added.output
    return url


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[object]:
    opened: list[Terminal] = []

    def start(*args: str) -> Terminal:
        command = shlex.join([sys.executable, "-m", "engine", *args])
        # Keep the pane open after the command ends, so its last words can be read.
        term = Terminal(f"runstrong-{uuid.uuid4().hex[:8]}", f"{command}; echo EXIT=$?; sleep 600")
        opened.append(term)
        return term

    yield start
    for term in opened:
        term.close()


def test_interactive_checkin_in_a_terminal(db: str, terminal) -> None:
    term = terminal("--db", db, "checkin", "ana")
    term.wait_for("How recovered do you feel [0-100 %]?")
    term.type("150")
    term.wait_for("please give a whole number from 0 to 100, not '150'")
    term.type("85")
    term.wait_for("Did you sleep well? [y/n]")
    term.type("maybe")
    term.wait_for("please answer y (yes) or n (no), not 'maybe'")
    term.type("y")
    term.wait_for("Muscle soreness")
    term.type("2")
    term.wait_for("Life stress")
    term.type("3")
    term.wait_for("What did you plan today?")
    term.type("strength")
    term.wait_for("Any pain today? [y/n]")
    term.type("y")
    term.wait_for("Where?")
    term.type("knee")
    term.wait_for("How bad")
    term.type("2")
    term.wait_for("During what")
    term.type("squats")
    term.wait_for("Any other pain? [y/n]")
    term.type("n")
    shown = term.wait_for("EXIT=")
    assert "EXIT=0" in shown and "recommendation #" in shown and "waiting for your coach" in shown
    assert "Recognized values" not in shown and "Error:" not in shown


def test_replacing_is_asked_before_the_questions(db: str, terminal) -> None:
    first = CliRunner().invoke(
        cli,
        [
            *("--db", db, "checkin", "ana", "--recovery", "85", "--slept-well"),
            *("--soreness", "2", "--stress", "3"),
        ],
    )
    assert first.exit_code == 0, first.output
    term = terminal("--db", db, "checkin", "ana")
    shown = term.wait_for(
        f"already checked in on {dt.date.today()}. Replace today's check-in? [y/n]"
    )
    assert "How recovered" not in shown
    term.type("n")
    shown = term.wait_for("EXIT=")
    assert "kept the check-in" in shown and "EXIT=0" in shown
