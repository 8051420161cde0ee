"""Replay check-ins under two rule sets and report which recommendations change, and why.

The input is either the stored check-ins of a database (each recommendation row keeps the
request it was computed from, i.e. the history as it stood that day; superseded rows are
skipped) or a JSON Lines file of requests. Every request is evaluated under the *base* and the
*head* rules, the two recommendations are compared, and each change is put in groups by what
changed (session kind, intensity, program, HIIT allowed, HIIT work/rest, exercises, loads,
sets/reps, progression decisions, warnings, other session details) and by the rules
responsible: rules that fired under one rule set and not the other, or concluded something
different. A recommendation whose rules fired differently but whose content did not change is
counted as *trace only*, not as a change.

Speed and memory:

- Requests travel as JSON text; the parent only reads and hands out chunks. Worker processes
  (``os.cpu_count()`` by default; durable_rules is not thread-safe) build both evaluators once
  and send back a compact record for each changed request only.
- At most a few chunks are in flight, and the parent keeps counters and a bounded number of
  examples and check-in references per group, so memory does not grow with the input. Results
  are taken in input order, so the examples are the same on every run.
- A request is parsed once and its facts built once when both sides read the same settings.
  The head's rules run only when they could fire differently: two small *probe* engines, one
  with the base's and one with the head's differing rules, are run over the facts and
  conclusions of the base run; when they agree, the head run would repeat the base run (see
  :func:`_probes`). The planner runs for the head only when the firings differ or the base's
  planner read a setting the head changes (settings are watched). Each shortcut is exact:
  ``Replayer(..., shortcuts=False)`` evaluates everything twice and the tests check that both
  give the same records.

Database reads use short keyset-paginated queries instead of one long cursor: the SQLite setup
starts every transaction with ``BEGIN IMMEDIATE``, so a single long read would hold the write
lock for the whole replay and make concurrent check-ins time out.
"""

from __future__ import annotations

import dataclasses
import io
import json
import multiprocessing
import os
import subprocess
import tarfile
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import ValidationError
from sqlalchemy import Text, and_, cast, func, or_, select
from sqlalchemy.engine import make_url

from engine.app.evaluators import get_evaluator
from engine.contract.errors import EngineError, InputError, Problem
from engine.contract.formatting import fmt_dose, fmt_value
from engine.contract.models import EvaluationRequest, PrescribedExercise, Recommendation, Session
from engine.core.evaluator import Evaluator
from engine.core.features import FactBundle
from engine.core.runtime import Conclusion, Firing, RuleEngine
from engine.knowledge.base import default_knowledge_base, load_knowledge_base
from engine.rulebook.compiler import RULESET_NAME, SENTINEL_RULE, CompiledRuleSet
from engine.storage.db import open_database, resolve_url
from engine.storage.schema import RecommendationRow

# What changed, in report order, with the label a person reads.
CATEGORIES: dict[str, str] = {
    "session_kind": "session kind",
    "intensity": "intensity",
    "program": "program",
    "hiit_allowed": "HIIT allowed",
    "hiit_dose": "HIIT work/rest",
    "exercises": "exercises (only before -> only after)",
    "loads": "loads",
    "dose": "sets/reps",
    "progressions": "progression decisions",
    "warnings": "warnings",
    "details": "other session details (notes, blocks)",
    "error": "evaluation errors",
}
SETTING_PREFIX = "setting:"
DEFAULT_CHUNK = 200
DEFAULT_EXAMPLES = 3
DEFAULT_LISTED = 100
_TEXT_MAX = 120

Progress = Callable[[int, int | None], None]


# --- rule sources --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSource:
    """Rules to replay under: a directory (``None``: the bundled rules) and how it was named."""

    label: str
    rules_dir: Path | None = None
    kb_dir: Path | None = None
    note: str = ""

    def evaluator(self) -> Evaluator:
        """The evaluator; bad rules raise :class:`InputError` naming file, line and field."""
        return get_evaluator(self.rules_dir, self.kb_dir)


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

    def _where(self) -> Any:
        return RecommendationRow.status != "superseded"

    def count(self) -> int:
        engine = open_database(self.url)
        try:
            with engine.connect() as connection:
                total = connection.execute(
                    select(func.count()).select_from(RecommendationRow).where(self._where())
                ).scalar_one()
        finally:
            engine.dispose()
        return int(total) if self.limit is None else min(int(total), self.limit)

    def chunks(self, size: int) -> Iterator[list[Item]]:
        row = RecommendationRow
        engine = open_database(self.url)
        remaining = self.limit
        last: tuple[Any, int] | None = None
        try:
            while remaining is None or remaining > 0:
                page = size if remaining is None else min(size, remaining)
                query = (
                    select(row.id, row.date, cast(row.request, Text))
                    .where(self._where())
                    .order_by(row.date, row.id)
                    .limit(page)
                )
                if last is not None:
                    query = query.where(
                        or_(row.date > last[0], and_(row.date == last[0], row.id > last[1]))
                    )
                # One short transaction per page: no lock is held between pages.
                with engine.connect() as connection:
                    rows = connection.execute(query).all()
                if not rows:
                    return
                last = (rows[-1][1], rows[-1][0])
                if remaining is not None:
                    remaining -= len(rows)
                yield [(int(rec_id), text) for rec_id, _, text in rows]
                if len(rows) < page:
                    return
        finally:
            engine.dispose()

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


# --- comparing two recommendations ---------------------------------------------------------------


def _short(text: str) -> str:
    return text if len(text) <= _TEXT_MAX else text[: _TEXT_MAX - 3] + "..."


def _exercises(session: Session) -> dict[str, PrescribedExercise]:
    out: dict[str, PrescribedExercise] = {}
    for block in session.blocks:
        for item in block.exercises:
            out.setdefault(item.id, item)
    return out


def _load(item: PrescribedExercise) -> str:
    parts = []
    if item.load_kg is not None:
        parts.append(f"{fmt_value(item.load_kg)} kg")
    if item.load_pct_1rm is not None:
        parts.append(f"{fmt_value(item.load_pct_1rm)}% 1RM")
    return " ".join(parts) or "no load"


def _dose(item: PrescribedExercise) -> str:
    return fmt_dose(item) or "no dose"


def _first_difference(
    pairs: Iterable[tuple[str, str, str]],
) -> tuple[str, str] | None:
    """The first (id, before, after) that differs, as before/after text with a count of more."""
    differing = [(key, before, after) for key, before, after in pairs if before != after]
    if not differing:
        return None
    key, before, after = differing[0]
    more = f" (+{len(differing) - 1} more)" if len(differing) > 1 else ""
    return f"{key} {before}{more}", f"{key} {after}{more}"


def _notes(session: Session) -> list[str]:
    out = [session.title, *session.notes]
    for block in session.blocks:
        out.append(block.name)
        out.extend(block.notes)
        for item in block.exercises:
            out.extend(item.notes)
    return out


def _progressions(recommendation: Recommendation) -> dict[str, str]:
    return {
        item.ladder: f"{item.action} {item.from_}"
        + (f" -> {item.to}" if item.to != item.from_ else "")
        + (" (needs approval)" if item.needs_approval else "")
        for item in recommendation.progressions
    }


def diff_recommendations(
    before: Recommendation, after: Recommendation
) -> list[tuple[str, str, str]]:
    """What differs between two recommendations for the same request: (category, before,
    after) for each category of :data:`CATEGORIES` that changed."""
    out: list[tuple[str, str, str]] = []
    b, a = before.session, after.session
    if b.kind != a.kind:
        out.append(("session_kind", b.kind, a.kind))
    if b.intensity != a.intensity:
        out.append(("intensity", b.intensity, a.intensity))
    if (b.program, b.variant) != (a.program, a.variant):
        out.append(
            (
                "program",
                "/".join(filter(None, (b.program, b.variant))) or "none",
                "/".join(filter(None, (a.program, a.variant))) or "none",
            )
        )
    if before.hiit.allowed != after.hiit.allowed:
        yes_no = {True: "allowed", False: "not allowed"}
        out.append(("hiit_allowed", yes_no[before.hiit.allowed], yes_no[after.hiit.allowed]))
    elif (before.hiit.work_s, before.hiit.rest_s) != (after.hiit.work_s, after.hiit.rest_s):
        out.append(
            (
                "hiit_dose",
                f"{before.hiit.work_s} s work / {before.hiit.rest_s} s rest",
                f"{after.hiit.work_s} s work / {after.hiit.rest_s} s rest",
            )
        )
    ex_b, ex_a = _exercises(b), _exercises(a)
    removed = [key for key in ex_b if key not in ex_a]
    added = [key for key in ex_a if key not in ex_b]
    if removed or added:
        out.append(("exercises", ", ".join(removed) or "-", ", ".join(added) or "-"))
    common = [key for key in ex_b if key in ex_a]
    loads = _first_difference((key, _load(ex_b[key]), _load(ex_a[key])) for key in common)
    if loads:
        out.append(("loads", *loads))
    doses = _first_difference((key, _dose(ex_b[key]), _dose(ex_a[key])) for key in common)
    if doses:
        out.append(("dose", *doses))
    if b != a and not any(category in _SESSION_CATEGORIES for category, _, _ in out):
        notes_b, notes_a = _notes(b), _notes(a)
        only_b = next((note for note in notes_b if note not in notes_a), None)
        only_a = next((note for note in notes_a if note not in notes_b), None)
        if only_b is None and only_a is None:
            out.append(("details", "blocks as before", "blocks rearranged or re-dosed"))
        else:
            out.append(("details", _short(only_b or "-"), _short(only_a or "-")))
    prog_b, prog_a = _progressions(before), _progressions(after)
    if prog_b != prog_a:
        ladders = [
            key for key in dict.fromkeys([*prog_b, *prog_a]) if prog_b.get(key) != prog_a.get(key)
        ]
        out.append(
            (
                "progressions",
                "; ".join(f"{key}: {prog_b.get(key, 'none')}" for key in ladders),
                "; ".join(f"{key}: {prog_a.get(key, 'none')}" for key in ladders),
            )
        )
    warn_b = [item.code for item in before.warnings]
    warn_a = [item.code for item in after.warnings]
    if sorted(warn_b) != sorted(warn_a):
        out.append(("warnings", ", ".join(warn_b) or "none", ", ".join(warn_a) or "none"))
    return out


_SESSION_CATEGORIES = frozenset(
    {"session_kind", "intensity", "program", "exercises", "loads", "dose", "details"}
)


def _by_rule(firings: list[Firing]) -> dict[str, tuple[Conclusion, ...]]:
    out: dict[str, tuple[Conclusion, ...]] = {}
    for firing in firings:
        out[firing.rule] = out.get(firing.rule, ()) + firing.conclusions
    return out


def responsible_rules(before: list[Firing], after: list[Firing]) -> list[str]:
    """Rules that fired under one rule set and not the other, or concluded something else."""
    by_b, by_a = _by_rule(before), _by_rule(after)
    return [rule for rule in dict.fromkeys([*by_b, *by_a]) if by_b.get(rule) != by_a.get(rule)]


# --- the per-request work (runs in worker processes) ----------------------------------------------


class WatchedSettings(dict[str, Any]):
    """Settings that note which watched keys (those the other rule set sets differently) are
    read. Bulk access (iterating, copying) counts as reading all of them."""

    def __init__(self, data: dict[str, Any], watched: frozenset[str]) -> None:
        super().__init__(data)
        self.watched = watched
        self.read: set[str] = set()

    def _note(self, key: object) -> None:
        if key in self.watched:
            self.read.add(str(key))

    def _note_all(self) -> None:
        self.read.update(self.watched)

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self._note_all()
        return super().__iter__()

    def keys(self) -> Any:
        self._note_all()
        return super().keys()

    def values(self) -> Any:
        self._note_all()
        return super().values()

    def items(self) -> Any:
        self._note_all()
        return super().items()

    def copy(self) -> dict[str, Any]:
        self._note_all()
        return dict(super().items())


def _compiled(evaluator: Evaluator, rule: str) -> tuple[Any, ...]:
    """A rule as compiled, without its firing rank (which moves when other rules come and go)."""
    definition = evaluator.compiled.definitions[RULESET_NAME][rule]
    compiled = evaluator.compiled.rules[rule]
    return (
        {key: value for key, value in definition.items() if key != "pri"},
        dataclasses.replace(compiled, pri=0),
    )


def changed_settings(base: Evaluator, head: Evaluator) -> dict[str, tuple[Any, Any]]:
    """Settings whose value differs (``None`` where a side lacks the setting)."""
    b, h = base.ruleset.settings, head.ruleset.settings
    return {
        key: (b.get(key), h.get(key))
        for key in sorted(set(b) | set(h))
        if key not in b or key not in h or b[key] != h[key]
    }


RecordKind = Literal["changed", "trace", "invalid"]


@dataclass(frozen=True)
class Record:
    """What a worker sends back about one request that did not come out the same."""

    ref: int
    athlete: str
    date: str
    kind: RecordKind
    changes: tuple[tuple[str, str, str], ...] = ()
    rules: tuple[str, ...] = ()
    message: str = ""


def _first_problem(error: ValidationError) -> str:
    item = error.errors(include_url=False)[0]
    if item["type"] == "json_invalid":
        return "not valid JSON"
    where = ".".join(str(part) for part in item["loc"])
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {item['msg']}{more}" if where else f"{item['msg']}{more}"


class Replayer:
    """Evaluates requests under both rule sets and compares the results."""

    def __init__(self, base: Evaluator, head: Evaluator, shortcuts: bool = True) -> None:
        """``shortcuts=False`` evaluates everything twice in full (for checking the shortcuts)."""
        self.shortcuts = shortcuts
        self.settings = changed_settings(base, head)
        self.watched: WatchedSettings | None = None
        if self.settings:
            self.watched = WatchedSettings(base.ruleset.settings, frozenset(self.settings))
            base = dataclasses.replace(
                base, ruleset=dataclasses.replace(base.ruleset, settings=self.watched)
            )
        self.base = base
        self.head = head
        self.same_kb = base.kb is head.kb or base.kb.digest == head.kb.digest
        self.same_rules = (
            base.compiled.definitions == head.compiled.definitions
            and base.compiled.rules == head.compiled.rules
            and base.compiled.chained_types == head.compiled.chained_types
        )
        self.probes = None if self.same_rules or not shortcuts else _probes(base, head)
        self._context_b = {"kb": base.kb}
        self._context_h = {"kb": head.kb}

    def _read(self) -> set[str]:
        if self.watched is None:
            return set()
        read = set(self.watched.read)
        self.watched.read.clear()
        return read

    def compare(self, ref: int, raw: str | bytes) -> Record | None:
        """``None`` when both recommendations are the same, else what differs."""
        try:
            request_b = EvaluationRequest.model_validate_json(raw, context=self._context_b)
        except ValidationError as error:
            return Record(ref, "", "", "invalid", message=_first_problem(error))
        athlete, day = request_b.athlete.id, request_b.checkin.date.isoformat()
        request_h = request_b
        if not self.same_kb:
            try:
                request_h = EvaluationRequest.model_validate_json(raw, context=self._context_h)
            except ValidationError as error:
                change = ("error", "evaluated", f"invalid request: {_first_problem(error)}")
                return Record(ref, athlete, day, "changed", (change,))
        self._read()
        try:
            bundle_b = self.base.facts(request_b)
            firings_b = self.base.engine.run(facts_b := bundle_b.as_dicts())
        except EngineError as error:
            return self._error(ref, athlete, day, request_h, f"base: {error}")
        read = self._read()
        # The head's facts are the base's unless features read a setting the head changes.
        shared = self.same_kb and not read
        if not self.shortcuts:
            shared = False
        try:
            bundle_h: FactBundle = bundle_b if shared else self.head.facts(request_h)
            if shared and (self.same_rules or self._probes_agree(facts_b, firings_b)):
                firings_h = firings_b
            else:
                firings_h = self.head.engine.run(facts_b if shared else bundle_h.as_dicts())
        except EngineError as error:
            change = ("error", "evaluated", _short(f"head: {error}"))
            return Record(ref, athlete, day, "changed", (change,))
        same_firings = firings_b == firings_h
        if same_firings and shared and self.watched is None:
            return None
        recommendation_b = self.base.recommend(request_b, bundle_b, firings_b)
        read |= self._read()
        if same_firings and shared and not read:
            return None  # the planner read no setting that differs: same plan
        recommendation_h = self.head.recommend(request_h, bundle_h, firings_h)
        changes = diff_recommendations(recommendation_b, recommendation_h)
        rules = responsible_rules(firings_b, firings_h)
        rules.extend(f"{SETTING_PREFIX}{key}" for key in sorted(read))
        if not self.same_kb:
            rules.append("knowledge base")
        if changes:
            return Record(ref, athlete, day, "changed", tuple(changes), tuple(rules))
        if not same_firings:
            return Record(ref, athlete, day, "trace", rules=tuple(rules))
        return None

    def _probes_agree(self, facts: list[dict[str, Any]], firings: list[Firing]) -> bool:
        """Whether the rules that differ between the rule sets match the same facts and conclude
        the same things over everything the base run knew (see :func:`_probes`). Then the head
        run would fire exactly as the base run did."""
        if self.probes is None:
            return False
        probe_b, probe_h = self.probes
        try:
            return _canonical(probe_b, facts, firings) == _canonical(probe_h, facts, firings)
        except EngineError:
            return False

    def _error(
        self, ref: int, athlete: str, day: str, request_h: EvaluationRequest, message: str
    ) -> Record:
        try:
            self.head.evaluate(request_h)
        except EngineError as error:
            return Record(ref, athlete, day, "invalid", message=_short(f"{message}; head: {error}"))
        change = ("error", _short(message), "evaluated")
        return Record(ref, athlete, day, "changed", (change,))

    def compare_chunk(self, chunk: list[Item]) -> tuple[int, list[Record]]:
        records = []
        for ref, raw in chunk:
            try:
                record = self.compare(ref, raw)
            except Exception as error:  # one bad request must not lose a long replay
                message = _short(f"{type(error).__name__}: {error}")
                record = Record(ref, "", "", "invalid", message=message)
            if record is not None:
                records.append(record)
        return len(chunk), records


def _rank_order(evaluator: Evaluator) -> list[str]:
    return [loaded.spec.id for loaded in sorted(evaluator.ruleset.rules, key=lambda r: r.rank)]


@dataclass(frozen=True)
class Probe:
    """A durable_rules engine with only some rules and the catch-all, whose conclusions are
    recorded but never asserted (so it matches exactly the facts it is given), and the fact
    types those rules match (no other fact can matter to them)."""

    engine: RuleEngine
    fact_types: frozenset[str]


def _probe_engine(evaluator: Evaluator, rules: set[str]) -> Probe | None:
    if not rules:
        return None
    definitions = evaluator.compiled.definitions[RULESET_NAME]
    fact_types = frozenset(
        pattern.fact
        for loaded in evaluator.ruleset.rules
        if loaded.spec.id in rules
        for pattern in loaded.spec.when
    )
    engine = RuleEngine(
        CompiledRuleSet(
            version=f"probe:{evaluator.compiled.version}",
            definitions={
                RULESET_NAME: {
                    key: value
                    for key, value in definitions.items()
                    if key in rules or key == SENTINEL_RULE
                }
            },
            rules={key: evaluator.compiled.rules[key] for key in rules},
            chained_types=frozenset(),
        )
    )
    return Probe(engine, fact_types)


Probes = tuple[Probe | None, Probe | None]


def _probes(base: Evaluator, head: Evaluator) -> Probes | None:
    """Probes for the rules that differ, or ``None`` when the shortcut cannot be sound.

    Rule conditions are monotonic (no rule tests for the absence of a fact), so a rule that
    matches nothing in the final facts of a run never matched during it. If the common rules
    compile the same and fire in the same relative order, and the differing rules (changed,
    added, removed) match the same facts and conclude the same over everything the base run
    knew, the head run makes exactly the base run's firings.
    """
    order_b, order_h = _rank_order(base), _rank_order(head)
    common = set(order_b) & set(order_h)
    if [key for key in order_b if key in common] != [key for key in order_h if key in common]:
        return None  # a priority change moved a rule among the others
    specs_b, specs_h = base.ruleset.by_id, head.ruleset.by_id
    same = {
        key
        for key in common
        if specs_b[key].priority == specs_h[key].priority
        and _compiled(base, key) == _compiled(head, key)
    }
    return (
        _probe_engine(base, set(order_b) - same),
        _probe_engine(head, set(order_h) - same),
    )


def _canonical(
    probe: Probe | None, facts: list[dict[str, Any]], firings: list[Firing]
) -> list[str]:
    """What a probe's rules make of the input facts and every conclusion of a run."""
    if probe is None:
        return []
    types = probe.fact_types
    known = [fact for fact in facts if fact["type"] in types]
    for number, firing in enumerate(firings):
        for index, conclusion in enumerate(firing.conclusions):
            if conclusion.fact_type in types:
                known.append(
                    {
                        **conclusion.fields,
                        "type": conclusion.fact_type,
                        "id": f"{firing.rule}.{number}.{index}",
                    }
                )
    if not known:
        return []
    return sorted(
        json.dumps(
            [
                firing.rule,
                firing.matched,
                [[item.fact_type, item.fields] for item in firing.conclusions],
            ],
            sort_keys=True,
            default=str,
        )
        for firing in probe.engine.run(known)
    )


_WORKER: Replayer | None = None


def _init_worker(base: RuleSource, head: RuleSource) -> None:
    global _WORKER
    import gc

    _WORKER = Replayer(base.evaluator(), head.evaluator())
    gc.freeze()  # the rules and knowledge base live for the whole run: keep them out of GC scans


def _worker_chunk(chunk: list[Item]) -> tuple[int, list[Record]]:
    if _WORKER is None:  # pragma: no cover - the initializer always runs first
        raise EngineError("replay worker was not initialised")
    return _WORKER.compare_chunk(chunk)


# --- the report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    checkin: CheckinRef
    before: str
    after: str

    def to_json(self) -> dict[str, Any]:
        return {"checkin": self.checkin.to_json(), "before": self.before, "after": self.after}


@dataclass
class Group:
    """The check-ins in which one category changed."""

    category: str
    count: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    examples: list[Example] = field(default_factory=list)
    checkins: list[CheckinRef] = field(default_factory=list)

    @property
    def label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "label": self.label,
            "count": self.count,
            "rules": dict(self.rules.most_common()),
            "examples": [example.to_json() for example in self.examples],
            "checkins": [item.to_json() for item in self.checkins],
            "checkins_not_listed": self.count - len(self.checkins),
        }


@dataclass
class RuleImpact:
    """One rule (or setting) and the changed check-ins it was responsible for."""

    rule: str
    name: str = ""
    change: str = ""  # added | removed | edited | "" (same in both)
    checkins: int = 0
    categories: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "change": self.change or None,
            "checkins": self.checkins,
            "categories": dict(self.categories.most_common()),
        }


@dataclass
class RulesetChanges:
    """How the head rule set differs from the base, before any replay."""

    settings: dict[str, tuple[Any, Any]]
    added: list[str]
    removed: list[str]
    edited: list[str]
    # Rules written the same whose compiled conditions or conclusions differ: they use a
    # setting whose value changed.
    recompiled: list[str]
    names: dict[str, str]

    @classmethod
    def between(cls, base: Evaluator, head: Evaluator) -> RulesetChanges:
        specs_b, specs_h = base.ruleset.by_id, head.ruleset.by_id
        both = set(specs_b) & set(specs_h)
        edited = {key for key in both if specs_b[key] != specs_h[key]}
        return cls(
            settings=changed_settings(base, head),
            added=sorted(set(specs_h) - set(specs_b)),
            removed=sorted(set(specs_b) - set(specs_h)),
            edited=sorted(edited),
            recompiled=sorted(
                key for key in both - edited if _compiled(base, key) != _compiled(head, key)
            ),
            names={key: spec.name for key, spec in {**specs_b, **specs_h}.items()},
        )

    def change_of(self, rule: str) -> str:
        if rule in self.added:
            return "added"
        if rule in self.removed:
            return "removed"
        if rule in self.edited:
            return "edited"
        if rule in self.recompiled:
            return "uses a changed setting"
        if rule.startswith(SETTING_PREFIX) and rule[len(SETTING_PREFIX) :] in self.settings:
            return "changed"
        return ""

    def to_json(self) -> dict[str, Any]:
        return {
            "settings": {
                key: {"base": before, "head": after}
                for key, (before, after) in self.settings.items()
            },
            "rules_added": self.added,
            "rules_removed": self.removed,
            "rules_edited": self.edited,
            "rules_using_changed_settings": self.recompiled,
        }


@dataclass
class ReplayReport:
    base: RuleSource
    head: RuleSource
    base_version: str
    head_version: str
    source: str
    ruleset: RulesetChanges
    examples_per_group: int = DEFAULT_EXAMPLES
    listed_per_group: int = DEFAULT_LISTED
    replayed: int = 0
    changed: int = 0
    trace_only: int = 0
    not_evaluated: int = 0
    groups: dict[str, Group] = field(default_factory=dict)
    rules: dict[str, RuleImpact] = field(default_factory=dict)
    trace_rules: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    workers: int = 1
    seconds: float = 0.0

    @property
    def unchanged(self) -> int:
        return self.replayed - self.changed - self.not_evaluated

    def ordered_groups(self) -> list[Group]:
        order = list(CATEGORIES)
        return sorted(
            self.groups.values(),
            key=lambda g: order.index(g.category) if g.category in order else len(order),
        )

    def ordered_rules(self) -> list[RuleImpact]:
        return sorted(self.rules.values(), key=lambda item: (-item.checkins, item.rule))

    def add(self, record: Record, source: RequestSource) -> None:
        if record.kind == "invalid":
            self.not_evaluated += 1
            if len(self.problems) < max(self.examples_per_group, 5):
                self.problems.append(f"{source.locate(record.ref)}: {record.message}")
            return
        if record.kind == "trace":
            self.trace_only += 1
            self.trace_rules.update(record.rules)
            return
        self.changed += 1
        checkin = CheckinRef(source.kind, record.ref, record.athlete, record.date)
        for category, before, after in record.changes:
            group = self.groups.get(category)
            if group is None:
                group = self.groups[category] = Group(category)
            group.count += 1
            group.rules.update(record.rules)
            if len(group.examples) < self.examples_per_group:
                group.examples.append(Example(checkin, before, after))
            if len(group.checkins) < self.listed_per_group:
                group.checkins.append(checkin)
        for rule in record.rules:
            impact = self.rules.get(rule)
            if impact is None:
                impact = self.rules[rule] = RuleImpact(
                    rule, self.ruleset.names.get(rule, ""), self.ruleset.change_of(rule)
                )
            impact.checkins += 1
            impact.categories.update(category for category, _, _ in record.changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "base": {
                "rules": self.base.label,
                "version": self.base_version,
                "note": self.base.note,
            },
            "head": {
                "rules": self.head.label,
                "version": self.head_version,
                "note": self.head.note,
            },
            "source": self.source,
            "ruleset_changes": self.ruleset.to_json(),
            "replayed": self.replayed,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "trace_only": self.trace_only,
            "not_evaluated": self.not_evaluated,
            "groups": [group.to_json() for group in self.ordered_groups()],
            "rules": [impact.to_json() for impact in self.ordered_rules()],
            "trace_only_rules": dict(self.trace_rules.most_common()),
            "problems": self.problems,
            "workers": self.workers,
            "seconds": round(self.seconds, 3),
        }


# --- running a replay ----------------------------------------------------------------------------


def default_workers() -> int:
    return os.cpu_count() or 1


def _context() -> Any:
    # fork: the workers inherit the evaluators the parent has already built and checked.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def replay(
    base: RuleSource,
    head: RuleSource,
    source: RequestSource,
    *,
    workers: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    examples: int = DEFAULT_EXAMPLES,
    listed: int = DEFAULT_LISTED,
    progress: Progress | None = None,
) -> ReplayReport:
    """Replay every request of ``source`` under both rule sets.

    ``workers``: processes to use (default: one per CPU); 1 evaluates in this process.
    ``progress`` is called with (done, total) after each chunk, first with (0, total).
    Bad rules raise :class:`InputError` before anything is replayed.
    """
    started = time.perf_counter()
    base_evaluator = base.evaluator()
    head_evaluator = head.evaluator()
    workers = max(1, workers if workers is not None else default_workers())
    report = ReplayReport(
        base=base,
        head=head,
        base_version=base_evaluator.ruleset.version,
        head_version=head_evaluator.ruleset.version,
        source=source.description,
        ruleset=RulesetChanges.between(base_evaluator, head_evaluator),
        examples_per_group=examples,
        listed_per_group=listed,
        workers=workers,
    )

    def take(result: tuple[int, list[Record]]) -> None:
        count, records = result
        report.replayed += count
        for record in records:
            report.add(record, source)
        if progress is not None:
            progress(report.replayed, total)

    total: int | None = None
    if workers == 1:
        replayer = Replayer(base_evaluator, head_evaluator)
        if progress is not None:
            total = source.count()
            progress(0, total)
        for chunk in source.chunks(chunk_size):
            take(replayer.compare_chunk(chunk))
    else:
        # Workers are forked before the database is opened or a progress display starts.
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_context(),
            initializer=_init_worker,
            initargs=(base, head),
        ) as pool:
            pool.submit(int).result()
            if progress is not None:
                total = source.count()
                progress(0, total)
            pending: deque[Future[tuple[int, list[Record]]]] = deque()
            window = workers * 3
            try:
                for chunk in source.chunks(chunk_size):
                    pending.append(pool.submit(_worker_chunk, chunk))
                    while len(pending) >= window:
                        take(pending.popleft().result())
                while pending:
                    take(pending.popleft().result())
            except BrokenProcessPool as error:
                raise EngineError(f"a replay worker process died: {error}") from error
    report.seconds = time.perf_counter() - started
    return report


# --- text report ---------------------------------------------------------------------------------


def _rule_label(impact: RuleImpact) -> str:
    name = f" {impact.name}" if impact.name else ""
    change = f" [{impact.change}]" if impact.change else ""
    return f"{impact.rule}{name}{change}"


def report_text(report: ReplayReport) -> str:
    """The report for people: what differs between the rule sets, then what changed and why."""
    lines: list[str] = []
    lines.append(f"base: {report.base.label} ({report.base_version})")
    lines.append(f"head: {report.head.label} ({report.head_version})")
    for note in (report.base.note, report.head.note):
        if note:
            lines.append(f"note: {note}")
    changes = report.ruleset
    if changes.settings:
        settings = ", ".join(
            f"{key} {fmt_value(before)} -> {fmt_value(after)}"
            for key, (before, after) in changes.settings.items()
        )
        lines.append(f"settings changed: {settings}")
    for label, ids in (("added", changes.added), ("removed", changes.removed)):
        if ids:
            lines.append(f"rules {label}: {', '.join(ids)}")
    if changes.edited:
        lines.append(f"rules edited: {', '.join(changes.edited)}")
    if changes.recompiled:
        lines.append(f"rules using a changed setting: {', '.join(changes.recompiled)}")
    rate = report.replayed / report.seconds if report.seconds else 0.0
    lines.append(
        f"replayed {report.replayed} check-ins from {report.source} "
        f"({report.workers} worker{'s' if report.workers != 1 else ''}, "
        f"{report.seconds:.1f} s, {rate:,.0f}/s)"
    )
    share = f" ({report.changed / report.replayed:.1%})" if report.replayed else ""
    lines.append(
        f"changed: {report.changed} of {report.replayed} recommendations{share}; "
        f"trace only: {report.trace_only}; not evaluated: {report.not_evaluated}"
    )
    if report.groups:
        lines.append("")
        lines.append("What changed")
        for group in report.ordered_groups():
            lines.append(
                f"  {group.label}: {group.count} check-in{'s' if group.count != 1 else ''}"
            )
            rules = ", ".join(f"{rule} ({count})" for rule, count in group.rules.most_common())
            if rules:
                lines.append(f"    rules: {rules}")
            for example in group.examples:
                lines.append(f"    {example.checkin}: {example.before} -> {example.after}")
            listed = ", ".join(str(item) for item in group.checkins)
            more = group.count - len(group.checkins)
            if not listed:
                lines.append(f"    check-ins: {more} not listed (see --list)")
            else:
                lines.append(f"    check-ins: {listed}" + (f" ... and {more} more" if more else ""))
    if report.rules:
        lines.append("")
        lines.append("Rules responsible")
        for impact in report.ordered_rules():
            categories = ", ".join(
                f"{CATEGORIES.get(category, category)} {count}"
                for category, count in impact.categories.most_common()
            )
            lines.append(f"  {_rule_label(impact)}: {impact.checkins} ({categories})")
    if report.trace_rules:
        lines.append("")
        trace = ", ".join(f"{rule} ({count})" for rule, count in report.trace_rules.most_common())
        lines.append(f"Fired differently without changing a recommendation: {trace}")
    if report.problems:
        lines.append("")
        lines.append(f"Not evaluated: {report.not_evaluated}")
        lines.extend(f"  {problem}" for problem in report.problems)
    return "\n".join(lines)
