"""Use cases (check-in, log, today, review, history, demo) that every front end calls."""
