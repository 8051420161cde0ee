"""Where a replay's rules and requests come from.

Rules: a directory, the bundled rules, or a git ref whose ``rules/`` (and ``knowledge_base/``)
is exported to a temporary directory. Requests: the stored check-ins of a database (read
through :class:`~engine.storage.store.Store`, page by page) or a JSON Lines file.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from sqlalchemy.engine import make_url

from engine.contract.errors import InputError, Problem
from engine.core.evaluator import Evaluator
from engine.evaluation.evaluators import get_evaluator
from engine.knowledge.base import default_knowledge_base, load_knowledge_base
from engine.storage.db import resolve_url
from engine.storage.store import Store


@dataclass(frozen=True)
class RuleSource:
    """Rules to replay under: a directory (``None``: the bundled rules) and how it was named."""

    label: str
    rules_dir: Path | None = None
    kb_dir: Path | None = None
    note: str = ""

    def evaluator(self) -> Evaluator:
        """The evaluator; bad rules raise :class:`InputError` naming file, line and field."""
        return get_evaluator(self.rules_dir, self.kb_dir, tests=False)


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as error:  # no git on this machine
        raise InputError([Problem(f"cannot run git: {error}")]) from None


def export_git_rules(ref: str, target: Path, repo: Path | None = None) -> RuleSource:
    """Export ``rules/`` (and ``knowledge_base/``) as they are at a git ref into ``target``.

    The base uses the ref's knowledge base only when it differs from the bundled one (the rules
    check their sources against it); otherwise both sides share one knowledge base.
    """
    cwd = repo or Path.cwd()
    not_found = f"{ref!r} is neither a rule directory nor a git ref"
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise InputError([Problem(f"{not_found} ({cwd} is not in a git repository)")])
    root = Path(top.stdout.decode().strip())
    commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if commit.returncode != 0:
        raise InputError([Problem(f"{not_found} of {root}")])
    sha = commit.stdout.decode().strip()
    names = set(_git(["ls-tree", "--name-only", sha], root).stdout.decode().splitlines())
    if "rules" not in names:
        raise InputError([Problem(f"git ref {ref!r} ({sha[:10]}) has no rules/ directory")])
    paths = ["rules", *(["knowledge_base"] if "knowledge_base" in names else [])]
    archive = _git(["archive", "--format=tar", sha, *paths], root)
    if archive.returncode != 0:
        message = archive.stderr.decode(errors="replace").strip()
        raise InputError([Problem(f"git archive {ref!r} failed: {message}")])
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        try:
            tar.extractall(target, filter="data")
        except tarfile.FilterError as error:  # e.g. a rule file that links outside the tree
            raise InputError(
                [Problem(f"git ref {ref!r}: {error}; links outside the tree are refused")]
            ) from None
    label = f"{ref} ({sha[:10]})"
    kb_dir: Path | None = None
    note = ""
    if "knowledge_base" in names:
        try:
            ref_kb = load_knowledge_base(target / "knowledge_base")
        except InputError:
            note = f"the knowledge base at {ref} does not load; using the current one"
        else:
            if ref_kb.digest != default_knowledge_base().digest:
                kb_dir = target / "knowledge_base"
                note = f"the knowledge base at {ref} differs from the current one; base uses it"
    return RuleSource(label, target / "rules", kb_dir, note)


@contextmanager
def resolve_rules(spec: str | Path | None, repo: Path | None = None) -> Iterator[RuleSource]:
    """A rule directory, or a git ref exported to a temporary directory for the duration."""
    if spec is None:
        yield RuleSource("bundled rules")
        return
    path = Path(spec)
    if path.is_dir():
        yield RuleSource(str(spec), path)
        return
    with tempfile.TemporaryDirectory(prefix="runstrong-rules-") as tmp:
        yield export_git_rules(str(spec), Path(tmp), repo)


# --- request sources -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinRef:
    """Which check-in a result is about: a stored recommendation id, or a line of a file."""

    source: Literal["db", "file"]
    ref: int
    athlete: str
    date: str

    def __str__(self) -> str:
        if self.source == "db":
            return f"{self.athlete} {self.date}"
        return f"line {self.ref} ({self.athlete} {self.date})"

    def to_json(self) -> dict[str, Any]:
        key = "recommendation_id" if self.source == "db" else "line"
        return {"athlete": self.athlete, "date": self.date, key: self.ref}


# One request to replay: its reference (recommendation id or line number) and its JSON text.
Item = tuple[int, str | bytes]


class RequestSource(Protocol):
    kind: Literal["db", "file"]
    description: str

    def count(self) -> int: ...

    def chunks(self, size: int) -> Iterator[list[Item]]: ...

    def locate(self, ref: int) -> str: ...


@dataclass
class DatabaseSource:
    """The requests of the stored, non-superseded recommendations, by date then id."""

    url: str | None = None
    limit: int | None = None
    kind: Literal["db", "file"] = "db"
    description: str = ""

    def __post_init__(self) -> None:
        url = resolve_url(self.url)
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database not in ("", ":memory:") and not Path(database).is_file():
                raise InputError([Problem("no database here", file=database)])
        self.url = url
        self.description = parsed.render_as_string(hide_password=True)

    @contextmanager
    def _store(self) -> Iterator[Store]:
        store = Store.open(self.url)
        try:
            yield store
        finally:
            store.engine.dispose()

    def count(self) -> int:
        with self._store() as store:
            total = store.count_stored_requests()
        return total if self.limit is None else min(total, self.limit)

    def chunks(self, size: int) -> Iterator[list[Item]]:
        remaining = self.limit
        last: tuple[dt.date, int] | None = None
        with self._store() as store:
            while remaining is None or remaining > 0:
                page = size if remaining is None else min(size, remaining)
                rows = store.stored_requests(page, after=last)
                if not rows:
                    return
                last = (rows[-1][1], rows[-1][0])
                if remaining is not None:
                    remaining -= len(rows)
                yield [(rec_id, text) for rec_id, _, text in rows]
                if len(rows) < page:
                    return

    def locate(self, ref: int) -> str:
        return f"recommendation {ref}"


@dataclass
class FileSource:
    """A JSON Lines file of requests, read line by line (blank lines are skipped)."""

    path: Path
    limit: int | None = None
    kind: Literal["db", "file"] = "file"
    description: str = ""

    def __post_init__(self) -> None:
        if not self.path.is_file():
            raise InputError([Problem("file not found", file=str(self.path))])
        self.description = str(self.path)

    def count(self) -> int:
        lines = 0
        last = b"\n"
        with self.path.open("rb") as handle:
            while block := handle.read(1 << 20):
                lines += block.count(b"\n")
                last = block[-1:]
        lines += last != b"\n"
        return lines if self.limit is None else min(lines, self.limit)

    def chunks(self, size: int) -> Iterator[list[Item]]:
        chunk: list[Item] = []
        taken = 0
        with self.path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if self.limit is not None and taken >= self.limit:
                    break
                if not line.strip():
                    continue
                chunk.append((number, line))
                taken += 1
                if len(chunk) >= size:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk

    def locate(self, ref: int) -> str:
        return f"{self.path}:{ref}"
