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

The package, one job per module:

- :mod:`.sources`: the rules (a directory, or a git ref exported) and the requests (the
  Store's paged read of stored check-ins, or a JSON Lines file);
- :mod:`.compare`: what differs between two recommendations, and the per-request work
  (:class:`Replayer`);
- :mod:`.shortcuts`: the exact shortcuts that skip repeated work (watched settings, probe
  engines);
- :mod:`.report`: the counters, groups and rules responsible, and the text report;
- :mod:`.run`: worker processes and the order of results.

Speed and memory:

- Requests travel as JSON text; the parent only reads and hands out chunks. Worker processes
  (``os.cpu_count()`` by default; durable_rules is not thread-safe) get the knowledge base and
  both rule sets as the parent loaded and compiled them (nothing is parsed again), and send
  back a compact record for each changed request only.
- At most a few chunks are in flight, and the parent keeps counters and a bounded number of
  examples and check-in references per group, so memory does not grow with the input. Results
  are taken in input order, so the examples are the same on every run.
- A request is parsed once and its facts built once when both sides read the same settings.
  The head's rules run only when they could fire differently (see
  :func:`.shortcuts.probes_for`); the planner runs for the head only when the firings differ
  or the base's planner read a setting the head changes. Each shortcut is exact.
"""

from engine.ruletools.replay.compare import (
    CATEGORIES,
    SETTING_PREFIX,
    Record,
    Replayer,
    diff_recommendations,
    responsible_rules,
)
from engine.ruletools.replay.report import (
    DEFAULT_EXAMPLES,
    DEFAULT_LISTED,
    ReplayReport,
    RulesetChanges,
    report_text,
)
from engine.ruletools.replay.run import DEFAULT_CHUNK, default_workers, replay
from engine.ruletools.replay.shortcuts import WatchedSettings, changed_settings
from engine.ruletools.replay.sources import (
    CheckinRef,
    DatabaseSource,
    FileSource,
    RequestSource,
    RuleSource,
    export_git_rules,
    resolve_rules,
)

__all__ = [
    "CATEGORIES",
    "DEFAULT_CHUNK",
    "DEFAULT_EXAMPLES",
    "DEFAULT_LISTED",
    "SETTING_PREFIX",
    "CheckinRef",
    "DatabaseSource",
    "FileSource",
    "Record",
    "ReplayReport",
    "Replayer",
    "RequestSource",
    "RuleSource",
    "RulesetChanges",
    "WatchedSettings",
    "changed_settings",
    "default_workers",
    "diff_recommendations",
    "export_git_rules",
    "replay",
    "report_text",
    "resolve_rules",
    "responsible_rules",
]
