"""The rule language: specs, fact models, loading, lint, and compiling to durable_rules."""
