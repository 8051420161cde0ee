"""Storage at the edge: athletes, check-ins, session logs and recommendations in SQL.

SQLite (embedded, the default) and PostgreSQL run the same code. The engine core never imports
this package; services and the CLI do.
"""
