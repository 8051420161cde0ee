"""The fired-rule rows carry their recommendation's status and day: ``review stats``
and ``rules show`` then count one covering index, ``(status, rule, date)``, without joining
every recommendation. A decision or a superseding check-in updates the rows with the
recommendation (engine.storage.reviews, engine.storage.checkins).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rule_firings") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default=""))
        batch.add_column(sa.Column("date", sa.Date(), nullable=True))
    op.execute(
        "UPDATE rule_firings SET "
        "status = (SELECT status FROM recommendations r WHERE r.id = recommendation_id), "
        "date = (SELECT date FROM recommendations r WHERE r.id = recommendation_id)"
    )
    op.create_index("ix_rule_firings_status_rule", "rule_firings", ["status", "rule", "date"])


def downgrade() -> None:
    op.drop_index("ix_rule_firings_status_rule", table_name="rule_firings")
    with op.batch_alter_table("rule_firings") as batch:
        batch.drop_column("date")
        batch.drop_column("status")
