"""The knowledge base: its schema, loader and cross-checking validator."""
