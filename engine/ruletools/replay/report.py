"""The replay report: counters, groups by what changed, rules responsible, and its text."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from engine.contract.formatting import fmt_value
from engine.core.evaluator import Evaluator
from engine.ruletools.replay.compare import CATEGORIES, SETTING_PREFIX, Record
from engine.ruletools.replay.shortcuts import changed_settings, compiled_rule
from engine.ruletools.replay.sources import CheckinRef, RequestSource, RuleSource

DEFAULT_EXAMPLES = 3
DEFAULT_LISTED = 100


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
                key for key in both - edited if compiled_rule(base, key) != compiled_rule(head, key)
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
