"""Alembic environment: migrations run on a connection runstrong hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from engine.storage.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place; batch mode rebuilds tables when needed.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
