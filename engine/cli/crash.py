"""What the command line says when runstrong itself fails: one line, the details in a log.

A traceback helps the developer and frightens the athlete, so it goes to a file in the user's
log directory (owner-only: a request is health data) and the terminal gets one line saying it
is a bug and where the file is.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path

# EX_SOFTWARE from sysexits.h: an internal error, distinct from bad input (2) and a failed
# check (1).
EXIT_BUG = 70
# The reader of the output went away (``runstrong history ana | head``): 128 + SIGPIPE, as a
# shell reports a command a closed pipe stopped.
EXIT_PIPE_CLOSED = 141

# durable_rules built without the define that Python 3.13 needs (see README, Install).
DURABLE_REPAIR_ARGS = (
    "-m pip install --force-reinstall --no-deps --no-cache-dir "
    "--no-binary durable-rules durable-rules==2.0.28"
)


def durable_repair_command() -> str:
    """The exact command that rebuilds durable_rules for the interpreter running now."""
    return (
        f"CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject {sys.executable} {DURABLE_REPAIR_ARGS}"
    )


def log_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir("runstrong", appauthor=False))


def write_log(error: BaseException, command: str, args: list[str]) -> Path | None:
    """Write the traceback to a new owner-only file; None if it cannot be written."""
    try:
        directory = log_dir()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = directory / f"crash-{stamp}-{os.getpid()}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"runstrong {command} (python {sys.version.split()[0]})\n")
            handle.write(f"arguments: {args}\n\n")
            handle.write("".join(traceback.format_exception(error)))
        return path
    except OSError:
        return None


def durable_rules_broken(error: BaseException) -> bool:
    """The durable_rules C extension cannot be imported (for example a 3.13 build without the
    PyEval_CallObject define)."""
    if not isinstance(error, ImportError):
        return False
    text = f"{error} {getattr(error, 'name', '') or ''}"
    return "durable" in text or "PyEval_CallObject" in text


def report_bug(error: BaseException, command: str, args: list[str]) -> str:
    """The one line to print for an unexpected exception (the traceback goes to the log)."""
    if durable_rules_broken(error):
        return (
            f"error: the durable_rules engine does not import ({error}). "
            f"Rebuild it in this environment with: {durable_repair_command()}"
        )
    path = write_log(error, command, args)
    where = f"the details are in {path}" if path else "the details could not be logged"
    return (
        f"error: runstrong failed unexpectedly ({type(error).__name__}: {error}); this is a bug, "
        f"{where}"
    )
