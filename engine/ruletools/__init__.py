"""The rule author's tools: cases and scenarios, invariants, and the replay of history (diff)."""
