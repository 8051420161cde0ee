"""Plain-text views for people: the workout card, the reasons, and knowledge-base entries.

Output is deterministic (no colours, no terminal-width wrapping), so the same recommendation
always prints the same text.
"""

from __future__ import annotations

from typing import Any

from engine.app.readable import readable_feature
from engine.app.session_lines import hiit_lines, rest_text
from engine.app.words import value_words
from engine.contract.formatting import fmt_dose, fmt_value, plural
from engine.contract.models import Recommendation
from engine.knowledge.base import KnowledgeBase
from engine.knowledge.schema import Equipment, Exercise, Ladder, Program, SourceDocument


def matched_text(values: dict[str, Any]) -> str:
    """The fact values a rule matched, as ``key=value`` pairs; empty values are left out and
    a sentinel (9999 hours to a quality run nobody planned) is said in words."""
    return ", ".join(
        f"{key}={value_words(readable_feature(key, value))}"
        for key, value in values.items()
        if key != "fact" and value not in ("", None)
    )


def recommendation_text(rec: Recommendation) -> str:
    lines: list[str] = []
    session = rec.session
    lines.append(f"runstrong: {rec.athlete}, {rec.date.isoformat()}")
    lines.append("")
    lines.append(f"TODAY: {session.title}  [{session.kind}, {session.intensity} intensity]")
    for note in session.notes:
        lines.append(f"  * {note}")
    for block in session.blocks:
        header = f"  {block.name}"
        details = [f"{block.rounds} round{'s' if block.rounds != 1 else ''}"]
        rest = rest_text(block)
        if rest:
            details.append(rest)
        lines.append(f"{header} ({'; '.join(details)})")
        for exercise in block.exercises:
            dose = fmt_dose(exercise)
            lines.append(f"    - {exercise.name}" + (f": {dose}" if dose else ""))
            for note in exercise.notes:
                lines.append(f"        {note}")
        for note in block.notes:
            lines.append(f"    * {note}")
    lines.extend(f"  {line}" for line in hiit_lines(rec.hiit))
    return "\n".join([*lines, *trace_lines(rec)])


def trace_lines(rec: Recommendation) -> list[str]:
    """The coach's and rule author's part of a recommendation: warnings with their rules, the
    rules that fired with what they matched and their sources, the sessions not chosen, the
    ladder and load decisions, the rules version. Below the athlete's card with ``--why``."""
    lines: list[str] = []
    if rec.warnings:
        lines.append("")
        lines.append("WARNINGS")
        for warning in rec.warnings:
            lines.append(f"  ! {warning.message}" + (f" ({warning.rule})" if warning.rule else ""))
    lines.append("")
    lines.append("WHY")
    for index, entry in enumerate(rec.rationale, start=1):
        lines.append(f"  {index}. {entry.rule}: {entry.summary}")
        for alias, values in entry.matched.items():
            lines.append(f"       matched {values.get('fact', alias)}: {matched_text(values)}")
        lines.extend(f"       not on today's card: {why}" for why in entry.not_on_card)
        lines.append(f"       sources: {', '.join(entry.sources)}")
    considered = [item for item in rec.alternatives if item.outcome != "chosen"]
    if considered:
        lines.append("")
        lines.append("NOT CHOSEN")
        for item in considered:
            what = item.kind + (f" ({item.program})" if item.program else "")
            lines.append(f"  - {what}, proposed by {item.proposed_by}: {item.reason}")
    lines.append("")
    lines.append("PROGRESSIONS")
    if not rec.progressions:
        lines.append("  (no ladders in the profile)")
    for progression in rec.progressions:
        move = (
            progression.from_
            if progression.action == "hold"
            else f"{progression.from_} -> {progression.to}"
        )
        approval = " (needs coach approval)" if progression.needs_approval else ""
        lines.append(
            f"  - {progression.ladder}: {progression.action} {move}{approval}: {progression.reason}"
        )
    if rec.load_changes:
        lines.append("")
        lines.append("LOAD CHANGES")
    for change in rec.load_changes:
        approval = " (needs coach approval)" if change.needs_approval else ""
        lines.append(
            f"  - {change.exercise}: {change.action} {fmt_value(change.from_kg)} -> "
            f"{fmt_value(change.to_kg)} kg{approval}: {change.reason} ({change.rule})"
        )
    lines.append("")
    lines.append(f"rules {rec.rules_version}")
    return lines


def _sources_text(kb: KnowledgeBase, sources: list[str], indent: str) -> list[str]:
    return [f"{indent}source: {kb.describe_source(source)}" for source in sources]


def exercise_text(kb: KnowledgeBase, exercise: Exercise) -> str:
    lines = [f"{exercise.name} ({exercise.id})", f"  {exercise.description}"]
    lines.append(
        f"  {exercise.category}; {', '.join(exercise.patterns)}; {exercise.region}; "
        f"{exercise.laterality}"
    )
    if exercise.equipment:
        options = " or ".join(" + ".join(option) for option in exercise.equipment)
        lines.append(f"  equipment: {options}")
    if exercise.dose:
        lines.append(f"  dose: {fmt_dose(exercise.dose)}")
    for cue in exercise.cues:
        lines.append(f"  cue: {cue}")
    for relation in ("regressions", "progressions", "alternatives"):
        values = getattr(exercise, relation)
        if values:
            lines.append(f"  {relation}: {', '.join(values)}")
    lines.extend(_sources_text(kb, exercise.sources, "  "))
    return "\n".join(lines)


def ladder_text(kb: KnowledgeBase, ladder: Ladder) -> str:
    lines = [f"{ladder.name} ({ladder.id})", f"  {ladder.description}"]
    if ladder.gate:
        lines.append(f"  gate to move on: {ladder.gate.description}")
        lines.extend(_sources_text(kb, ladder.gate.sources, "    "))
    for stage in ladder.stages:
        exercise = kb.exercises.get(stage.exercise)
        name = exercise.name if exercise else stage.exercise
        lines.append(f"  Stage {stage.number}: {name} ({stage.exercise})")
        if stage.dose:
            lines.append(f"    dose: {fmt_dose(stage.dose)}")
            lines.extend(_sources_text(kb, stage.dose.sources, "      "))
        if stage.frequency:
            frequency = []
            if stage.frequency.min_per_week:
                frequency.append(f"at least {stage.frequency.min_per_week}x/week")
            if stage.frequency.max_per_week:
                frequency.append(f"at most {stage.frequency.max_per_week}x/week")
            lines.append(f"    frequency: {', '.join(frequency)}")
            lines.extend(_sources_text(kb, stage.frequency.sources, "      "))
        weeks = stage.weeks
        if weeks.open_ended:
            span = "open-ended"
        else:
            span = f"{weeks.min or '?'}-{weeks.max or '?'} weeks"
            if weeks.min is not None and weeks.min == weeks.max:
                span = plural(weeks.min, "week")
            if weeks.min_is_binding:
                span += f" (at least {weeks.min}: the minimum binds)"
        lines.append(f"    time on stage: {span}")
        lines.extend(_sources_text(kb, weeks.sources, "      "))
        for level in stage.levels:
            lines.append(f"    level: {level}")
        for assistance in stage.assistance:
            lines.append(f"    assistance ({assistance.effect}): {assistance.description}")
            lines.extend(_sources_text(kb, assistance.sources, "      "))
        for note in stage.notes:
            lines.append(f"    note: {note}")
    if ladder.alternative_final:
        lines.append(f"  alternative final stage(s): {', '.join(ladder.alternative_final)}")
    if ladder.goal:
        lines.append(f"  goal: {ladder.goal}")
    lines.extend(_sources_text(kb, ladder.sources, "  "))
    return "\n".join(lines)


def program_text(kb: KnowledgeBase, program: Program) -> str:
    lines = [
        f"{program.name} ({program.id})",
        f"  {program.description}",
        f"  goal: {program.goal}",
        f"  session kind: {program.session_kind}; "
        f"lower body: {'yes' if program.lower_body else 'no'}",
    ]
    if program.frequency:
        lines.append(
            f"  frequency: min {program.frequency.min_per_week or '-'} / "
            f"max {program.frequency.max_per_week or '-'} per week"
        )
        lines.extend(_sources_text(kb, program.frequency.sources, "    "))
    for variant in program.variants:
        default = " (default)" if variant.id == program.default_variant else ""
        lines.append(f"  Variant {variant.id}{default}: {variant.name}")
        for note in variant.notes:
            lines.append(f"    note: {note}")
        for block in variant.blocks:
            rest = []
            if block.rest_between_exercises_s is not None:
                rest.append(f"{fmt_value(block.rest_between_exercises_s)} s between exercises")
            if block.rest_between_rounds_s is not None:
                rest.append(f"{fmt_value(block.rest_between_rounds_s)} s between rounds")
            lines.append(
                f"    {block.name} [{block.role}], {plural(block.rounds, 'round')}"
                + (f"; rest {', '.join(rest)}" if rest else "")
            )
            for entry in block.exercises:
                lines.append(f"      - {entry.exercise}: {fmt_dose(entry.dose)}")
    lines.extend(_sources_text(kb, program.sources, "  "))
    return "\n".join(lines)


def document_text(kb: KnowledgeBase, document: SourceDocument) -> str:
    """A source document: title, author, file, its parts and how many facts cite it."""
    author = f", {document.author}" if document.author else ""
    lines = [f"{document.title}{author} ({document.id}, code {document.code})"]
    if document.publisher:
        lines.append(f"  publisher: {document.publisher}")
    lines.append(f"  file: {document.file} ({plural(document.line_count, 'line')})")
    for code, part in (document.parts or {}).items():
        lines.append(f"  part {code}: {part}")
    if document.notes:
        lines.append(f"  notes: {document.notes}")
    facts = sum(1 for record in kb.facts.values() if record.document.id == document.id)
    lines.append(f"  {plural(facts, 'fact')} in the knowledge base cite it")
    return "\n".join(lines)


def equipment_text(kb: KnowledgeBase, equipment: Equipment) -> str:
    lines = [f"{equipment.name} ({equipment.id})", f"  {equipment.description}"]
    lines.extend(_sources_text(kb, equipment.sources, "  "))
    return "\n".join(lines)
