"""Session-log versions: an edited or deleted log keeps its earlier version.

An edit adds a row and marks the old one ``superseded`` (with the id of its successor); a
delete marks the row ``deleted``. Existing logs become ``current``.

Revision ID: 0004
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session_logs") as batch:
        batch.add_column(
            sa.Column("status", sa.String(16), nullable=False, server_default="current")
        )
        batch.add_column(sa.Column("superseded_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("changed_at", sa.DateTime(), nullable=True))
    op.create_index("ix_session_logs_status", "session_logs", ["status"])


def downgrade() -> None:
    op.drop_index("ix_session_logs_status", "session_logs")
    with op.batch_alter_table("session_logs") as batch:
        batch.drop_column("changed_at")
        batch.drop_column("superseded_by")
        batch.drop_column("status")
