"""Coach review: amended sessions, coach notes, and an append-only audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    """CREATE TRIGGER review_events_no_update BEFORE UPDATE ON review_events
       BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END""",
    """CREATE TRIGGER review_events_no_delete BEFORE DELETE ON review_events
       BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END""",
]

POSTGRES_TRIGGERS = [
    """CREATE FUNCTION review_events_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'review_events is append-only'; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER review_events_no_change BEFORE UPDATE OR DELETE ON review_events
       FOR EACH ROW EXECUTE FUNCTION review_events_append_only()""",
]


def upgrade() -> None:
    with op.batch_alter_table("recommendations") as batch:
        batch.add_column(sa.Column("amended_session", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("coach_note", sa.String(2000), nullable=True))
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "recommendation_id", sa.Integer(), sa.ForeignKey("recommendations.id"), nullable=False
        ),
        sa.Column("athlete_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("previous_status", sa.String(16), nullable=False),
        sa.Column("new_status", sa.String(16), nullable=False),
        sa.Column("reason_code", sa.String(40), nullable=True),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("forced", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_review_events_recommendation_id", "review_events", ["recommendation_id"])
    op.create_index("ix_review_events_athlete_id", "review_events", ["athlete_id"])
    triggers = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS review_events_no_change ON review_events")
        op.execute("DROP FUNCTION IF EXISTS review_events_append_only()")
    op.drop_table("review_events")
    with op.batch_alter_table("recommendations") as batch:
        batch.drop_column("coach_note")
        batch.drop_column("amended_session")
