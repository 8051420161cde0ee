"""``runstrong rules``: list, show, validate and test rules (and check, diff and play seasons)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml

from engine.app.rule_firings import fired_counts
from engine.cli.context import app
from engine.cli.options import EXIT_FAILED_CHECK, echo_json, fail_input, format_option, rules_option
from engine.cli.rules_check_cmd import check_command
from engine.cli.rules_diff_cmd import diff_command
from engine.cli.rules_season_cmd import season_command
from engine.contract.errors import InputError, Problem
from engine.evaluation.evaluators import get_evaluator
from engine.knowledge.base import default_knowledge_base
from engine.rulebook.lint import check_ruleset
from engine.rulebook.ruleset import LoadedRule, RuleSet, load_ruleset
from engine.ruletools.cases import iter_outcomes
from engine.ruletools.docs import generated_docs, write_docs
from engine.ruletools.season.scenarios import iter_season_outcomes


def _load(rules_dir: Path | None) -> RuleSet:
    return load_ruleset(rules_dir, default_knowledge_base())


def _spec_data(loaded: LoadedRule) -> dict[str, Any]:
    return loaded.spec.model_dump(mode="json", by_alias=True, exclude_none=True)


@click.group("rules")
def rules_group() -> None:
    """Inspect, validate and test the coaching rules."""


@rules_group.command("list", epilog="Example:\n\n  runstrong rules list --format json")
@rules_option
@format_option
def rules_list(rules_dir: Path | None, output_format: str) -> None:
    """Every rule with its priority and summary, in firing order."""
    ruleset = _load(rules_dir)
    rules = sorted(ruleset.rules, key=lambda loaded: loaded.rank)
    if output_format == "json":
        echo_json(
            [
                {
                    "id": r.spec.id,
                    "name": r.spec.name,
                    "priority": r.spec.priority,
                    "summary": r.spec.summary,
                    "catalogue": r.spec.catalogue,
                    "file": r.file,
                }
                for r in rules
            ]
        )
        return
    for loaded in rules:
        spec = loaded.spec
        click.echo(f"{spec.id}  {spec.priority:>3}  {spec.name:<42} {spec.summary}")


@rules_group.command(
    "show",
    epilog="""RULE is a rule id (in any case: rs101) or a rule name (readiness-below-gate).

\b
Examples:
  runstrong rules show RS101
  runstrong rules show readiness-below-gate --format json
""",
)
@click.argument("rule_id", metavar="RULE")
@rules_option
@format_option
@click.pass_context
def rules_show(
    ctx: click.Context, rule_id: str, rules_dir: Path | None, output_format: str
) -> None:
    """A rule in full: why, conditions, conclusions, sources, cases, and how often it fired."""
    ruleset = _load(rules_dir)
    found = ruleset.find(rule_id)
    if found is None:
        fail_input(f"no rule with id or name {rule_id!r}; see 'runstrong rules list'")
        return
    loaded = found
    rule_id = loaded.spec.id
    kb = default_knowledge_base()
    cases = [case for case in ruleset.cases if case.rule == rule_id]
    fired = fired_counts(app(ctx).db_url).of(rule_id)
    settings_used = loaded.spec.setting_keys()
    if output_format == "json":
        data = _spec_data(loaded)
        data["file"] = f"{loaded.file}:{loaded.line}"
        data["settings"] = {key: ruleset.settings.get(key) for key in settings_used}
        data["cases"] = [
            {"name": c.name, "fires": c.case.fires, "at": f"{c.file}:{c.line}"} for c in cases
        ]
        data["fired_in_stored_history"] = fired
        echo_json(data)
        return
    spec = loaded.spec
    lines = [
        f"{spec.id} {spec.name} ({loaded.file}:{loaded.line}), priority {spec.priority}",
        f"  summary: {spec.summary}",
        f"  why: {spec.why}",
    ]
    if spec.catalogue:
        lines.append(f"  carries catalogue rules: {', '.join(spec.catalogue)}")
    data = _spec_data(loaded)
    lines.append("  when:")
    lines.extend(
        "    " + line for line in yaml.safe_dump(data["when"], sort_keys=False).splitlines()
    )
    lines.append("  then:")
    lines.extend(
        "    " + line for line in yaml.safe_dump(data["then"], sort_keys=False).splitlines()
    )
    if settings_used:
        lines.append("  settings:")
        lines.extend(f"    {ruleset.describe_setting(key)}" for key in settings_used)
    lines.append("  sources:")
    lines.extend(f"    {source}: {kb.describe_source(source)}" for source in spec.sources)
    lines.append("  cases:")
    lines.extend(f"    {'fires' if c.case.fires else 'quiet'}  {c.name}" for c in cases)
    lines.append(
        "  fired in stored history: "
        + ("(no database)" if fired is None else f"{fired} recommendation(s)")
    )
    click.echo("\n".join(lines))


@rules_group.command(
    "validate",
    epilog="""Checks: the schema (with file and line), fact fields against the models,
knowledge-base ids, settings, duplicate ids, sources, cases, conditions that can never hold,
patterns no rule can satisfy, rules at equal priority with contradicting conclusions, and the
files beside the rules (invariants.yaml, season_invariants.yaml, catalogue.yaml).

\b
Examples:
  runstrong rules validate
  runstrong rules validate --rules ./my-rules
""",
)
@rules_option
@format_option
def rules_validate(rules_dir: Path | None, output_format: str) -> None:
    """Check a rule directory; exit 1 on any error (warnings are reported apart)."""
    try:
        ruleset = load_ruleset(rules_dir, default_knowledge_base())
    except InputError as error:
        errors, warnings = error.problems, []
    else:
        report = check_ruleset(ruleset, default_knowledge_base())
        errors, warnings = report.errors, report.warnings
        from engine.ruletools.companions import companion_problems  # loads the season tools

        errors = [*errors, *companion_problems(ruleset, default_knowledge_base())]
    if output_format == "json":
        echo_json({"errors": [str(p) for p in errors], "warnings": [str(p) for p in warnings]})
    else:
        for problem in errors:
            click.echo(f"error: {problem}")
        for problem in warnings:
            click.echo(f"warning: {problem}")
        click.echo(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    if errors:
        raise SystemExit(EXIT_FAILED_CHECK)


@rules_group.command(
    "test",
    epilog="""Runs every rule's cases (rules/cases/), the scenarios (rules/scenarios/) and the
season scenarios (rules/seasons/: sequences of days) against the rule directory, without pytest.

\b
Examples:
  runstrong rules test
  runstrong rules test --rules ./my-rules -k RS2
""",
)
@rules_option
@click.option(
    "-k", "pattern", help="Only cases whose 'RULE::case' or 'scenario:name' contains this."
)
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
@format_option
def rules_test(
    rules_dir: Path | None, pattern: str | None, verbose: bool, output_format: str
) -> None:
    """Run the rule cases and scenarios; the last line is 'N passed, N failed'."""
    from engine.ruletools.companions import companion_problems  # loads the season tools

    # A broken rule directory (or invariants, season invariants, catalogue) is bad input,
    # reported before any case runs.
    problems = companion_problems(_load(rules_dir), default_knowledge_base())
    if problems:
        fail_input(InputError(problems))
    evaluator = get_evaluator(rules_dir)
    outcomes = list(iter_outcomes(evaluator, pattern))
    outcomes += iter_season_outcomes(evaluator, pattern)
    passed = sum(1 for outcome in outcomes if outcome.passed)
    failed = len(outcomes) - passed
    if output_format == "json":
        echo_json(
            {
                "passed": passed,
                "failed": failed,
                "outcomes": [
                    {
                        "name": outcome.name,
                        "passed": outcome.passed,
                        "failures": list(outcome.failures),
                        "location": outcome.location,
                    }
                    for outcome in outcomes
                ],
            }
        )
    else:
        for outcome in outcomes:
            if outcome.passed:
                if verbose:
                    click.echo(f"PASS {outcome.name}")
                continue
            click.echo(f"FAIL {outcome.name} ({outcome.location})")
            for line in outcome.failures:
                click.echo(f"    {line}")
        click.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise SystemExit(EXIT_FAILED_CHECK)
    if passed == 0:
        fail_input(InputError([Problem(f"no case matches {pattern!r}")]))


@rules_group.command(
    "docs",
    epilog="""Writes REFERENCE.md (every rule: summary, why, sources, settings with their values,
an example case) and the catalogue map in README.md (from catalogue.yaml and the rules'
catalogue fields) in the rule directory. With --check nothing is written; the exit status is 1
when either is stale (CI runs it, as it runs ruff).

\b
Examples:
  runstrong rules docs
  runstrong rules docs --check
""",
)
@rules_option
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the docs are stale.")
def rules_docs(rules_dir: Path | None, check: bool) -> None:
    """Generate the rule reference and the catalogue map from the rule files."""
    ruleset = _load(rules_dir)
    docs = generated_docs(ruleset, default_knowledge_base())
    if check:
        stale = [doc for doc in docs if doc.stale]
        for doc in stale:
            click.echo(f"stale: {doc.shown} (run 'runstrong rules docs')")
        if stale:
            raise SystemExit(EXIT_FAILED_CHECK)
        click.echo("docs are up to date")
        return
    written = write_docs(docs)
    for doc in written:
        click.echo(f"wrote {doc.shown}")
    if not written:
        click.echo("docs are up to date")


# Registered here so each lives in a module of its own.
rules_group.add_command(check_command)
rules_group.add_command(diff_command)
rules_group.add_command(season_command)
