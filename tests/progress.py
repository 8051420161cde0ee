"""Waiting for other processes by their progress, not by the clock.

The machine running the tests may be loaded (two cores shared by several test runs), so any
step can take many times longer than usual and a fixed deadline fails a healthy test. These
helpers wait for as long as the processes watched keep moving: their CPU time grows, one of
them is runnable or in disk I/O, or the test's own measure of progress (a row count, the
screen, the results so far) changes. They fail only after ``STALL_S`` seconds in which nothing
moved at all, which is what a deadlock looks like: every process asleep on a lock, a barrier
or a socket, using no CPU, and nothing new to see.

Linux only (it reads ``/proc``), as is CI.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# Long enough that a loaded machine never gets there (a runnable process counts as moving, so
# only a process that sleeps, uses no CPU and changes nothing for this long is stalled); short
# enough that a deadlock fails the test in minutes rather than hanging the run.
STALL_S = 120.0
POLL_S = 0.05


def _stat(path: str) -> tuple[str, int] | None:
    """(state, CPU ticks used) from a /proc stat file, or None when the process is gone."""
    try:
        raw = Path(path).read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it. Then
    # the state is field 3 and utime, stime are fields 14 and 15 (proc(5)).
    fields = raw.rsplit(")", 1)[1].split()
    return fields[0], int(fields[11]) + int(fields[12])


def proc_stat(pid: int) -> str:
    """What to watch for a process (all its threads)."""
    return f"/proc/{pid}/stat"


def thread_stat() -> str:
    """What to watch for the calling thread of this process alone."""
    import threading

    return f"/proc/self/task/{threading.get_native_id()}/stat"


def children(pid: int | None = None, *, recursive: bool = False) -> list[int]:
    """The pids of ``pid``'s children (this process's by default), or of all its descendants."""
    parent = os.getpid() if pid is None else pid
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(raw.rsplit(")", 1)[1].split()[1])
    found: list[int] = []
    wanted = {parent}
    while wanted:
        layer = [child for child, its_parent in parents.items() if its_parent in wanted]
        found.extend(layer)
        wanted = set(layer) if recursive else set()
    return found


class Stalled(AssertionError):
    """Nothing moved for ``STALL_S`` seconds."""


def wait_until(
    done: Callable[[], T],
    *,
    what: str,
    watch: Callable[[], Iterable[str]],
    progress: Callable[[], object] = lambda: None,
    describe: Callable[[], str] = lambda: "",
    stall_s: float = STALL_S,
    poll_s: float = POLL_S,
) -> T:
    """Call ``done`` until it returns something true, and return that.

    ``watch`` names the /proc stat files of the processes (or threads) doing the work (see
    :func:`proc_stat`); ``progress`` is any value that changes as the work goes on. While either
    moves, this waits however long it takes; once nothing has moved for ``stall_s`` seconds it
    raises :class:`Stalled`, saying ``what`` it waited for, the processes' states and
    ``describe()``.
    """
    seen: tuple[object, dict[str, tuple[str, int] | None]] | None = None
    last_move = time.monotonic()
    while True:
        result = done()
        if result:
            return result
        stats = {path: _stat(path) for path in watch()}
        now = (progress(), stats)
        running = any(stat is not None and stat[0] in "RD" for stat in stats.values())
        if running or now != seen:
            seen = now
            last_move = time.monotonic()
        elif time.monotonic() - last_move > stall_s:
            states = ", ".join(
                f"{path}: {'gone' if stat is None else f'state {stat[0]}, {stat[1]} CPU ticks'}"
                for path, stat in stats.items()
            )
            raise Stalled(
                f"{what}: no progress for {stall_s:.0f} s (no CPU used, nothing changed), as in"
                f" a deadlock. Processes: {states or 'none'}. {describe()}"
            )
        time.sleep(poll_s)
