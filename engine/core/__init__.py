"""The evaluation core: features, durable_rules runtime, evaluator, planner. Pure: no I/O."""
