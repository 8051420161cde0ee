"""The files beside the rules that the rules' tools read: ``invariants.yaml`` (rules check),
``season_invariants.yaml`` (rules check --seasons) and ``catalogue.yaml`` (rules docs).

``rules validate`` and ``rules test`` load each one present with the same loaders those
commands use, so a broken file is reported by name and line when the rules are validated,
not first when a later command trips on it. A missing file is no error here: a rule
directory of one's own need not have them.
"""

from __future__ import annotations

from engine.contract.errors import InputError, Problem
from engine.knowledge.base import KnowledgeBase
from engine.rulebook.ruleset import RuleSet
from engine.ruletools.docs import CATALOGUE_FILE, load_catalogue
from engine.ruletools.invariants.loading import invariants_path, load_invariants
from engine.ruletools.season.check import SEASON_INVARIANTS_FILE, load_season_invariants


def companion_problems(ruleset: RuleSet, kb: KnowledgeBase) -> list[Problem]:
    """Every problem in the rule directory's invariants, season invariants and catalogue."""
    problems: list[Problem] = []
    root = ruleset.root
    path = invariants_path(root)
    if path.is_file():
        try:
            load_invariants(path, ruleset.settings, kb, ruleset.display_path(path.name))
        except InputError as error:
            problems.extend(error.problems)
    if (root / SEASON_INVARIANTS_FILE).is_file():
        try:
            load_season_invariants(root, kb)
        except InputError as error:
            problems.extend(error.problems)
    if (root / CATALOGUE_FILE).is_file():
        try:
            load_catalogue(ruleset)
        except InputError as error:
            problems.extend(error.problems)
    return problems
