"""Indexes for the list queries: the review queue by status, an athlete's days, and an
athlete's session logs by date, each ordered the way the query pages through it.

- ``recommendations (status, date, id)``: ``review list [--status S]`` pages through it in
  order without sorting.
- ``recommendations (athlete_id, date, id)``: ``review list --athlete``, ``today``,
  ``history`` and the check-in's supersede step.
- ``session_logs (athlete_id, date)``: the history window every check-in reads.

The single-column indexes each of these starts with are dropped: the composite serves the
same lookups.

Also ``integrity_checks``: when SQLite's check of a large database last passed, so a write
need not scan gigabytes every time (see ``Store.check_sound``).

Revision ID: 0003
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_recommendations_status_date", "recommendations", ["status", "date", "id"]),
    ("ix_recommendations_athlete_date", "recommendations", ["athlete_id", "date", "id"]),
    ("ix_session_logs_athlete_date", "session_logs", ["athlete_id", "date"]),
]
REPLACED = [
    ("ix_recommendations_status", "recommendations", ["status"]),
    ("ix_recommendations_athlete_id", "recommendations", ["athlete_id"]),
    ("ix_session_logs_athlete_id", "session_logs", ["athlete_id"]),
]


def upgrade() -> None:
    op.create_table(
        "integrity_checks",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("file_bytes", sa.BigInteger(), nullable=False),
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    for name, table, _ in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns)
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table("integrity_checks")
