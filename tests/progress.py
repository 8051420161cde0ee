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
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
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
    check = _StallCheck(what, watch, progress, describe, stall_s)
    while True:
        result = done()
        if result:
            return result
        check()
        time.sleep(poll_s)


class _StallCheck:
    """Called now and then: raises :class:`Stalled` once nothing has moved for ``stall_s``."""

    def __init__(
        self,
        what: str,
        watch: Callable[[], Iterable[str]],
        progress: Callable[[], object],
        describe: Callable[[], str],
        stall_s: float,
    ) -> None:
        self.what, self.watch, self.progress, self.describe = what, watch, progress, describe
        self.stall_s = stall_s
        self.seen: object = None
        self.last_move = time.monotonic()

    def __call__(self) -> None:
        stats = {path: _stat(path) for path in self.watch()}
        now = (self.progress(), stats)
        running = any(stat is not None and stat[0] in "RD" for stat in stats.values())
        if running or now != self.seen:
            self.seen = now
            self.last_move = time.monotonic()
        elif time.monotonic() - self.last_move > self.stall_s:
            states = ", ".join(
                f"{path}: {'gone' if stat is None else f'state {stat[0]}, {stat[1]} CPU ticks'}"
                for path, stat in stats.items()
            )
            raise Stalled(
                f"{self.what}: no progress for {self.stall_s:.0f} s (no CPU used, nothing"
                f" changed), as in a deadlock. Processes: {states or 'none'}. {self.describe()}"
            )


@contextmanager
def stall_alarm(
    what: str, pids: Callable[[], Iterable[int]], stall_s: float = STALL_S
) -> Iterator[None]:
    """For a call that blocks this thread until other processes are done (a process pool):
    once a second SIGALRM looks at the processes ``pids`` names, and once they have not moved
    for ``stall_s`` seconds it kills them and raises :class:`Stalled` in the blocked call.
    (Never this process itself: the check's own CPU time would look like progress.) Interval
    timers are not inherited by forked children, so only this process gets the alarm."""
    if threading.current_thread() is not threading.main_thread():  # signals need the main one
        yield
        return
    check = _StallCheck(
        what, lambda: [proc_stat(pid) for pid in pids()], lambda: None, lambda: "", stall_s
    )

    def on_alarm(signum: int, frame: object) -> None:
        try:
            check()
        except Stalled:
            for pid in pids():  # so the pool breaks and the blocked call can return
                with suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            raise

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 1.0, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
