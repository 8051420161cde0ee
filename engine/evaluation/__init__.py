"""Evaluators built from rule and knowledge-base directories, cached for the process and, as
loaded sources, per user: below the use cases (engine.app) and the rule tools
(engine.ruletools), which both need one, and above the core they build."""
