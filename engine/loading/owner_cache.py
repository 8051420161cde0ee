"""A per-user cache of loaded data, read only when nobody else could have written it.

The knowledge base and the rule set take far longer to parse and check than to unpickle, so a
command that evaluates keeps the loaded objects here, under a name that is a hash of everything
they were built from. Pickle runs code on load, so a file is trusted only when:

- it is in the user's own cache directory (platformdirs), which is a real directory (not a
  symlink) owned by this user and writable by nobody else;
- the file itself is a regular file (opened without following a symlink) owned by this user
  and writable by nobody else.

Anything else is ignored (loaded afresh, never read). Files are written owner-only (0600) into
a temporary name and renamed into place, so a reader never sees half a file. Where the
platform has no user ids (Windows) there is no cache.
"""

from __future__ import annotations

import os
import pickle
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import hashlib

CACHE_ENV = "RUNSTRONG_CACHE_DIR"  # another directory, held to the same checks (tests use it)
OFF_ENV = "RUNSTRONG_NO_CACHE"  # any non-empty value: no cache at all
SUFFIX = ".pickle"
# Versions kept per prefix: a rule author alternating between a copy and the bundled rules (two
# keys) must not make each command throw away the other's file.
KEEP = 8


def hash_parts(hasher: hashlib._Hash, parts: Iterable[str]) -> None:
    """Add strings a cached value depends on (versions, revisions) to its key."""
    for part in parts:
        hasher.update(part.encode() + b"\0")


def hash_files(hasher: hashlib._Hash, root: Path, names: Iterable[str]) -> None:
    """Add the name and bytes of each named file of ``root`` to a cache key."""
    for name in names:
        hasher.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")


def hash_tree(hasher: hashlib._Hash, root: Path, pattern: str) -> None:
    """Add ``root`` and the path and bytes of every file under it matching ``pattern``."""
    hasher.update(str(root).encode() + b"\0")
    for path in sorted(root.rglob(pattern)):
        if path.is_file():
            hasher.update(path.relative_to(root).as_posix().encode() + b"\0")
            hasher.update(path.read_bytes())
            hasher.update(b"\0")


def cache_dir() -> Path | None:
    """The cache directory, or None when there is none to use."""
    if os.environ.get(OFF_ENV) or not hasattr(os, "getuid"):
        return None
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("runstrong", appauthor=False))


def _owned_privately(status: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _trusted_dir(directory: Path) -> bool:
    try:
        status = os.lstat(directory)
    except OSError:
        return False
    return stat.S_ISDIR(status.st_mode) and _owned_privately(status)


def read(name: str) -> object | None:
    """The object cached under ``name``, or None when there is none that can be trusted."""
    directory = cache_dir()
    if directory is None or not _trusted_dir(directory):
        return None
    try:
        descriptor = os.open(directory / (name + SUFFIX), os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode) or not _owned_privately(status):
            return None
        try:
            # Safe only because of the ownership checks above: see the module docstring.
            value: object = pickle.load(handle)
        except Exception:  # written by another version, truncated by a full disk: rebuild
            return None
        return value


def write(name: str, value: object, prefix: str, keep: int = KEEP) -> None:
    """Cache ``value`` under ``name``; of the files whose names start with ``prefix`` (the same
    data built from other sources) only the ``keep`` newest stay. Best effort: a cache that
    cannot be written (read-only home, full disk) only costs the next process the load."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted_dir(directory):
            return
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=SUFFIX)
        try:
            with os.fdopen(descriptor, "wb") as handle:  # mkstemp makes it 0600
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, directory / (name + SUFFIX))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        versions = sorted(
            directory.glob(prefix + "*" + SUFFIX), key=lambda path: path.stat().st_mtime_ns
        )
        for old in versions[:-keep]:
            if old.name != name + SUFFIX:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        return
