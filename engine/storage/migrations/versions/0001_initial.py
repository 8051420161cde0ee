"""Athletes, ladder positions, check-ins, session logs and recommendations.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "athletes",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("has_coach", sa.Boolean(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "ladder_positions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("athlete_id", sa.String(64), sa.ForeignKey("athletes.id"), nullable=False),
        sa.Column("ladder", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(64), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("assistance", sa.String(200), nullable=True),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_ladder_positions_athlete_id", "ladder_positions", ["athlete_id"])
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("athlete_id", sa.String(64), sa.ForeignKey("athletes.id"), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("upcoming", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("athlete_id", "date", name="uq_checkin_athlete_date"),
    )
    op.create_index("ix_checkins_athlete_id", "checkins", ["athlete_id"])
    op.create_table(
        "session_logs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("athlete_id", sa.String(64), sa.ForeignKey("athletes.id"), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("program", sa.String(64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_session_logs_athlete_id", "session_logs", ["athlete_id"])
    op.create_index("ix_session_logs_date", "session_logs", ["date"])
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("athlete_id", sa.String(64), sa.ForeignKey("athletes.id"), nullable=False),
        sa.Column("checkin_id", sa.Integer(), sa.ForeignKey("checkins.id"), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rules_version", sa.String(120), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("recommendation", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_recommendations_athlete_id", "recommendations", ["athlete_id"])
    op.create_index("ix_recommendations_checkin_id", "recommendations", ["checkin_id"])
    op.create_index("ix_recommendations_date", "recommendations", ["date"])
    op.create_index("ix_recommendations_status", "recommendations", ["status"])


def downgrade() -> None:
    for table in ("recommendations", "session_logs", "checkins", "ladder_positions", "athletes"):
        op.drop_table(table)
