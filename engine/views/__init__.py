"""Text rendering of recommendations, knowledge-base entries and the application's view models."""
