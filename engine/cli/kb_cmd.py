"""``runstrong kb``: browse and validate the knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from engine.cli.options import echo_json, fail_input, format_option, kb_option
from engine.knowledge.base import KnowledgeBase, default_knowledge_base, load_knowledge_base
from engine.views.cards import (
    document_text,
    equipment_text,
    exercise_text,
    ladder_text,
    program_text,
)

KINDS = ("exercises", "ladders", "programs", "sources", "equipment", "defaults")


def _load(kb_dir: Path | None) -> KnowledgeBase:
    return load_knowledge_base(kb_dir) if kb_dir else default_knowledge_base()


def _rows(kb: KnowledgeBase, kind: str) -> list[dict[str, Any]]:
    if kind == "exercises":
        return [
            {
                "id": item.id,
                "name": item.name,
                "category": item.category,
                "region": item.region,
                "prescribed": item.prescribed,
            }
            for item in kb.exercises.values()
        ]
    if kind == "ladders":
        return [
            {"id": item.id, "name": item.name, "stages": [s.exercise for s in item.stages]}
            for item in kb.ladders.values()
        ]
    if kind == "programs":
        return [
            {
                "id": item.id,
                "name": item.name,
                "document": item.document,
                "variants": [v.id for v in item.variants],
            }
            for item in kb.programs.values()
        ]
    if kind == "sources":
        return [
            {
                "id": doc.id,
                "code": doc.code,
                "title": doc.title,
                "author": doc.author,
                "file": doc.file,
                "facts": sum(1 for record in kb.facts.values() if record.document.id == doc.id),
            }
            for doc in kb.documents.values()
        ]
    if kind == "equipment":
        return [{"id": item.id, "name": item.name} for item in kb.equipment.values()]
    return [{"id": item.id, "value": item.value} for item in kb.defaults.values()]


@click.group("kb")
def kb_group() -> None:
    """Browse the knowledge base: exercises, ladders, programs and their sources."""


@kb_group.command(
    "list",
    epilog="""Examples:

\b
  runstrong kb list exercises
  runstrong kb list sources --format json
""",
)
@click.argument("kind", type=click.Choice(KINDS), default="exercises")
@format_option
@kb_option
def kb_list(kind: str, output_format: str, kb_dir: Path | None) -> None:
    """List the entries of one kind."""
    kb = _load(kb_dir)
    rows = sorted(_rows(kb, kind), key=lambda row: row["id"])
    if output_format == "json":
        echo_json(rows)
        return
    for row in rows:
        if kind == "sources":
            author = f", {row['author']}" if row["author"] else ""
            click.echo(
                f"{row['id']:<4} {row['title']}{author} [{row['file']}] ({row['facts']} facts)"
            )
        elif kind == "ladders":
            click.echo(f"{row['id']:<20} {row['name']}: {' -> '.join(row['stages'])}")
        else:
            label = row.get("name") or row.get("value")
            click.echo(f"{row['id']:<40} {label}")


@kb_group.command(
    "show",
    epilog="""Examples:

\b
  runstrong kb show pistol_squat
  runstrong kb show goblet_squat --format json
  runstrong kb show d2_hiit_cap_per_week
""",
)
@click.argument("entry_id")
@format_option
@kb_option
def kb_show(entry_id: str, output_format: str, kb_dir: Path | None) -> None:
    """Show one entry (exercise, ladder, program, fact, default, ...) with its sources."""
    kb = _load(kb_dir)
    found = kb.entity(entry_id)
    if found is None:
        fail_input(f"no knowledge-base entry with id {entry_id!r}")
        return
    kind, model = found
    if output_format == "json":
        data = model.model_dump(mode="json")
        data["kind"] = kind
        if kind == "fact":
            record = kb.facts[entry_id]
            data["document"] = record.document.id
            data["citation"] = record.citation
        echo_json(data)
        return
    if kind == "exercise":
        click.echo(exercise_text(kb, kb.exercises[entry_id]))
    elif kind == "ladder":
        click.echo(ladder_text(kb, kb.ladders[entry_id]))
    elif kind == "program":
        click.echo(program_text(kb, kb.programs[entry_id]))
    elif kind == "document":
        click.echo(document_text(kb, kb.documents[entry_id]))
    elif kind == "equipment":
        click.echo(equipment_text(kb, kb.equipment[entry_id]))
    else:  # a fact or a default: what it says and where it comes from
        click.echo(f"{kind} {entry_id}: {kb.describe_source(entry_id)}")


@kb_group.command("validate")
@kb_option
def kb_validate(kb_dir: Path | None) -> None:
    """Check the knowledge base: schema, ids, references, line ranges."""
    kb = _load(kb_dir)
    click.echo(
        f"knowledge base OK: {len(kb.documents)} documents, {len(kb.facts)} facts, "
        f"{len(kb.defaults)} defaults, {len(kb.exercises)} exercises, {len(kb.ladders)} ladders, "
        f"{len(kb.programs)} programs"
    )
