"""Imported activities: start time and sport of a session log, unique per athlete.

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session_logs") as batch:
        batch.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("sport", sa.String(32), nullable=True))
        batch.create_unique_constraint(
            "uq_session_log_activity", ["athlete_id", "sport", "started_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("session_logs") as batch:
        batch.drop_constraint("uq_session_log_activity", type_="unique")
        batch.drop_column("sport")
        batch.drop_column("started_at")
