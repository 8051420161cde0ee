"""The athlete's running calendar.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("athlete_id", sa.String(64), sa.ForeignKey("athletes.id"), nullable=False),
        sa.Column("rule", sa.String(8), nullable=False),
        sa.Column("weekday", sa.String(3), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("kind", sa.String(32), nullable=True),
        sa.Column("at", sa.String(5), nullable=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_calendar_entries_athlete_id", "calendar_entries", ["athlete_id"])


def downgrade() -> None:
    op.drop_index("ix_calendar_entries_athlete_id", table_name="calendar_entries")
    op.drop_table("calendar_entries")
