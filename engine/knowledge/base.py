"""Load and cross-check the knowledge base (``knowledge_base/``).

Loading collects every problem in every file before failing, so one run of
``python -m engine.knowledge.base`` (or ``runstrong kb validate``) shows all of them, each with the
file, line and field. Checks: schema, duplicate ids, a file whose id does not match its name,
dangling references (exercises, equipment, sources, documents), ladder stages out of order,
and fact line ranges outside their document.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from engine.contract.errors import InputError, Problem
from engine.knowledge.schema import (
    DefaultsFile,
    DefaultValue,
    DocumentsFile,
    Equipment,
    EquipmentFile,
    Exercise,
    FactsFile,
    Ladder,
    Program,
    SourceDocument,
    SourceFact,
)
from engine.loading.paths import knowledge_base_dir, resolved
from engine.loading.yamlio import LocatedData, read_yaml_file, validate_located

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class FactRecord:
    """A source fact with the document it comes from."""

    fact: SourceFact
    document: SourceDocument

    @property
    def citation(self) -> str:
        lines = self.fact.lines
        span = str(lines.start) if lines.start == lines.end else f"{lines.start}-{lines.end}"
        return f"{self.document.file}:{span}"


@dataclass
class KnowledgeBase:
    root: Path
    documents: dict[str, SourceDocument] = field(default_factory=dict)
    facts: dict[str, FactRecord] = field(default_factory=dict)
    defaults: dict[str, DefaultValue] = field(default_factory=dict)
    equipment: dict[str, Equipment] = field(default_factory=dict)
    exercises: dict[str, Exercise] = field(default_factory=dict)
    ladders: dict[str, Ladder] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)
    digest: str = ""

    # --- look-ups used by the engine and the CLI ---

    def is_source(self, source_id: str) -> bool:
        return source_id in self.facts or source_id in self.defaults

    def is_default(self, source_id: str) -> bool:
        return source_id in self.defaults

    def describe_source(self, source_id: str) -> str:
        """One line naming a source: the claim and where it is, or the default's value."""
        if source_id in self.facts:
            record = self.facts[source_id]
            return f"{record.fact.claim} [{record.citation}]"
        if source_id in self.defaults:
            return f"{self.defaults[source_id].value} [runstrong default, not from the texts]"
        return f"{source_id} [unknown source]"

    def entity(self, entity_id: str) -> tuple[str, BaseModel] | None:
        """Find any entity by id: (kind, model)."""
        tables: list[tuple[str, dict[str, BaseModel]]] = [
            ("exercise", dict(self.exercises)),
            ("ladder", dict(self.ladders)),
            ("program", dict(self.programs)),
            ("equipment", dict(self.equipment)),
            ("document", dict(self.documents)),
            ("default", dict(self.defaults)),
        ]
        for kind, table in tables:
            if entity_id in table:
                return kind, table[entity_id]
        if entity_id in self.facts:
            return "fact", self.facts[entity_id].fact
        return None


class _Collector:
    """Gathers problems across files so a single run reports all of them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.hasher = hashlib.sha256()

    def rel(self, path: Path) -> str:
        try:
            return f"knowledge_base/{path.relative_to(self.root).as_posix()}"
        except ValueError:
            return str(path)

    def load(self, path: Path, model: type[ModelT]) -> tuple[ModelT, LocatedData] | None:
        try:
            raw, located = read_yaml_file(path, self.rel(path))
            self.hasher.update(path.relative_to(self.root).as_posix().encode())
            self.hasher.update(raw)
            return validate_located(model, located), located
        except InputError as error:
            self.problems.extend(error.problems)
            return None

    def required(self, path: Path) -> Path | None:
        """The path of a file the knowledge base cannot do without, or None (and a problem)."""
        if not path.is_file():
            self.problems.append(Problem("required file is missing", file=self.rel(path)))
            return None
        return path

    def add(self, message: str, located: LocatedData, *path: str | int) -> None:
        from engine.loading.yamlio import format_loc

        self.problems.append(
            Problem(
                message,
                file=located.file,
                line=located.line_for(path),
                field=format_loc(path) or None,
            )
        )


def _entity_files(root: Path, folder: str) -> list[Path]:
    directory = root / folder
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))


# Where each fact and each one-per-file entity was read, by (kind, id), for the cross-check.
_Locations = dict[tuple[str, str], LocatedData]


def _load_documents(c: _Collector, kb: KnowledgeBase) -> None:
    path = c.required(kb.root / "sources" / "documents.yaml")
    loaded = c.load(path, DocumentsFile) if path is not None else None
    if loaded is None:
        return
    documents, located = loaded
    for index, document in enumerate(documents.documents):
        if document.id in kb.documents:
            c.add(f"duplicate document id {document.id!r}", located, "documents", index, "id")
        kb.documents[document.id] = document


def _check_fact(
    c: _Collector,
    kb: KnowledgeBase,
    document: SourceDocument,
    located: LocatedData,
    index: int,
    fact: SourceFact,
) -> None:
    """A fact's id is its document's and new; its lines are inside the document."""
    prefix = f"{document.id}_"
    if not fact.id.startswith(prefix):
        c.add(f"fact id must start with {prefix!r}", located, "facts", index, "id")
    if fact.id in kb.facts:
        c.add(f"duplicate fact id {fact.id!r}", located, "facts", index, "id")
    if fact.lines.end > document.line_count:
        c.add(
            f"line {fact.lines.end} is past the end of {document.file} "
            f"({document.line_count} lines)",
            located,
            "facts",
            index,
            "lines",
        )


def _load_facts(c: _Collector, kb: KnowledgeBase, located_by_id: _Locations) -> None:
    for path in _entity_files(kb.root, "sources/facts"):
        loaded = c.load(path, FactsFile)
        if loaded is None:
            continue
        facts_file, located = loaded
        if facts_file.document not in kb.documents:
            c.add(f"unknown document {facts_file.document!r}", located, "document")
            continue
        document = kb.documents[facts_file.document]
        for index, fact in enumerate(facts_file.facts):
            _check_fact(c, kb, document, located, index, fact)
            kb.facts[fact.id] = FactRecord(fact, document)
            located_by_id[("fact", fact.id)] = located


def _load_defaults(c: _Collector, kb: KnowledgeBase) -> None:
    path = c.required(kb.root / "defaults.yaml")
    loaded = c.load(path, DefaultsFile) if path is not None else None
    if loaded is None:
        return
    defaults_file, located = loaded
    for index, default in enumerate(defaults_file.defaults):
        if default.id in kb.defaults or default.id in kb.facts:
            c.add(f"duplicate source id {default.id!r}", located, "defaults", index, "id")
        kb.defaults[default.id] = default
    # A second pass, so that every duplicate id is reported before the gaps named.
    for index, default in enumerate(defaults_file.defaults):
        for position, fact_id in enumerate(default.fills_gap_in):
            if fact_id not in kb.facts:
                c.add(
                    f"unknown fact {fact_id!r}",
                    located,
                    "defaults",
                    index,
                    "fills_gap_in",
                    position,
                )


def _load_equipment(c: _Collector, kb: KnowledgeBase) -> None:
    path = c.required(kb.root / "equipment.yaml")
    loaded = c.load(path, EquipmentFile) if path is not None else None
    if loaded is None:
        return
    equipment_file, located = loaded
    for index, item in enumerate(equipment_file.equipment):
        if item.id in kb.equipment:
            c.add(f"duplicate equipment id {item.id!r}", located, "equipment", index, "id")
        kb.equipment[item.id] = item
        _check_sources(c, kb, located, item.sources, "equipment", index, "sources")


def _load_entities(
    c: _Collector,
    kb: KnowledgeBase,
    folder: str,
    model: type[BaseModel],
    table: dict[str, Any],
    located_by_id: _Locations,
) -> None:
    """One entity per file (exercises, ladders, programs), its id the file's name."""
    for path in _entity_files(kb.root, folder):
        loaded = c.load(path, model)
        if loaded is None:
            continue
        entity, located = loaded
        entity_id = getattr(entity, "id")  # noqa: B009 - every entity model has an id
        if entity_id != path.stem:
            c.add(f"id {entity_id!r} does not match the file name {path.name!r}", located, "id")
        if entity_id in table:
            c.add(f"duplicate {folder[:-1]} id {entity_id!r}", located, "id")
        table[entity_id] = entity
        located_by_id[(folder, entity_id)] = located


def load_knowledge_base(root: Path | None = None) -> KnowledgeBase:
    """Load, validate and cross-check the knowledge base; raise InputError listing all problems."""
    root = resolved(root or knowledge_base_dir())
    kb = KnowledgeBase(root=root)
    c = _Collector(root)
    if not root.is_dir():
        raise InputError([Problem("knowledge base directory not found", file=str(root))])
    located_by_id: _Locations = {}
    # In this order: facts name their documents, defaults must not reuse a fact's id, and
    # everything after cites the sources (facts and defaults) read before it.
    _load_documents(c, kb)
    _load_facts(c, kb, located_by_id)
    _load_defaults(c, kb)
    _load_equipment(c, kb)
    _load_entities(c, kb, "exercises", Exercise, kb.exercises, located_by_id)
    _load_entities(c, kb, "ladders", Ladder, kb.ladders, located_by_id)
    _load_entities(c, kb, "programs", Program, kb.programs, located_by_id)
    _cross_check(c, kb, located_by_id)
    if c.problems:
        raise InputError(c.problems)
    kb.digest = c.hasher.hexdigest()[:12]
    return kb


def _check_sources(
    c: _Collector,
    kb: KnowledgeBase,
    located: LocatedData,
    sources: list[str],
    *path: str | int,
) -> None:
    for position, source_id in enumerate(sources):
        if not kb.is_source(source_id):
            c.add(f"unknown source {source_id!r}", located, *path, position)


def _walk_sources(
    model: BaseModel, path: tuple[str | int, ...]
) -> Iterator[tuple[list[str], tuple[str | int, ...]]]:
    """Every ``sources`` list inside a model, with its path."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name == "sources" and isinstance(value, list):
            yield value, (*path, name)
        elif isinstance(value, BaseModel):
            yield from _walk_sources(value, (*path, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _walk_sources(item, (*path, name, index))


def _check_exercise_ref(
    c: _Collector, kb: KnowledgeBase, ref: str, located: LocatedData, *path: str | int
) -> None:
    if ref not in kb.exercises:
        c.add(f"unknown exercise {ref!r}", located, *path)


def _check_equipment_ref(
    c: _Collector, kb: KnowledgeBase, ref: str, located: LocatedData, *path: str | int
) -> None:
    if ref not in kb.equipment:
        c.add(f"unknown equipment {ref!r}", located, *path)


def _check_entity_sources(c: _Collector, kb: KnowledgeBase, located_by_id: _Locations) -> None:
    """Every ``sources`` list anywhere in an exercise, a ladder or a program names a source."""
    tables: dict[str, dict[str, Any]] = {
        "exercises": kb.exercises,
        "ladders": kb.ladders,
        "programs": kb.programs,
    }
    for (folder, entity_id), located in located_by_id.items():
        if folder == "fact":
            continue
        entity: BaseModel = tables[folder][entity_id]
        for sources, path in _walk_sources(entity, ()):
            _check_sources(c, kb, located, sources, *path)


def _check_exercise(
    c: _Collector, kb: KnowledgeBase, exercise_id: str, exercise: Exercise, located: LocatedData
) -> None:
    for relation in ("regressions", "progressions", "alternatives"):
        for index, ref in enumerate(getattr(exercise, relation)):
            _check_exercise_ref(c, kb, ref, located, relation, index)
            if ref == exercise_id:
                c.add("an exercise cannot refer to itself", located, relation, index)
    for option_index, option in enumerate(exercise.equipment):
        for index, ref in enumerate(option):
            _check_equipment_ref(c, kb, ref, located, "equipment", option_index, index)


def _check_ladder(c: _Collector, kb: KnowledgeBase, ladder: Ladder, located: LocatedData) -> None:
    for index, stage in enumerate(ladder.stages):
        if stage.number != index + 1:
            c.add(
                f"stages must be numbered 1, 2, 3 ... in order; found {stage.number} "
                f"at position {index + 1}",
                located,
                "stages",
                index,
                "number",
            )
        _check_exercise_ref(c, kb, stage.exercise, located, "stages", index, "exercise")
    exercises = [stage.exercise for stage in ladder.stages]
    if len(set(exercises)) != len(exercises):
        c.add("a ladder lists the same exercise at two stages", located, "stages")
    for index, ref in enumerate(ladder.alternative_final):
        _check_exercise_ref(c, kb, ref, located, "alternative_final", index)


def _check_program(
    c: _Collector, kb: KnowledgeBase, program: Program, located: LocatedData
) -> None:
    if program.document not in kb.documents:
        c.add(f"unknown document {program.document!r}", located, "document")
    for index, ref in enumerate(program.equipment):
        _check_equipment_ref(c, kb, ref, located, "equipment", index)
    variant_ids = [variant.id for variant in program.variants]
    if len(set(variant_ids)) != len(variant_ids):
        c.add("duplicate variant ids", located, "variants")
    for v_index, variant in enumerate(program.variants):
        for b_index, block in enumerate(variant.blocks):
            for e_index, item in enumerate(block.exercises):
                where = ("variants", v_index, "blocks", b_index, "exercises", e_index, "exercise")
                _check_exercise_ref(c, kb, item.exercise, located, *where)


def _cross_check(c: _Collector, kb: KnowledgeBase, located_by_id: _Locations) -> None:
    """The references between the files: sources, exercises, equipment, documents."""
    _check_entity_sources(c, kb, located_by_id)
    for exercise_id, exercise in kb.exercises.items():
        _check_exercise(c, kb, exercise_id, exercise, located_by_id[("exercises", exercise_id)])
    for ladder_id, ladder in kb.ladders.items():
        _check_ladder(c, kb, ladder, located_by_id[("ladders", ladder_id)])
    for program_id, program in kb.programs.items():
        _check_program(c, kb, program, located_by_id[("programs", program_id)])


@lru_cache(maxsize=8)
def _cached(root: Path) -> KnowledgeBase:
    return load_knowledge_base(root)


def default_knowledge_base(root: Path | None = None) -> KnowledgeBase:
    """The knowledge base, loaded once per process (it is read-only data)."""
    return _cached(resolved(root or knowledge_base_dir()))


def main() -> int:
    """``python -m engine.knowledge.base [DIR]``: validate and print a summary or the problems."""
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    try:
        kb = load_knowledge_base(root)
    except InputError as error:
        print(error, file=sys.stderr)
        print(f"{len(error.problems)} problem(s)", file=sys.stderr)
        return 1
    print(
        f"knowledge base OK: {len(kb.documents)} documents, {len(kb.facts)} facts, "
        f"{len(kb.defaults)} defaults, {len(kb.equipment)} equipment, "
        f"{len(kb.exercises)} exercises, {len(kb.ladders)} ladders, "
        f"{len(kb.programs)} programs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
