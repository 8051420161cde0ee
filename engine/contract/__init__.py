"""The public contract: pydantic models in and out, error types, the one value formatter."""
