"""What a service people can trust needs in the database: disabled users, token expiry and
revocation, the failed-login throttle (so it holds across restarts and workers), an audit of
account changes and coach corrections, and each athlete's time zone.

Failed logins store only SHA-256 digests of the user name and the client address: the throttle
needs to count them, not to read them (a password typed into the name field stays unreadable).

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("api_tokens") as batch:
        # NULL on tokens issued before this migration: they expire token_days after created_at.
        batch.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("athletes") as batch:
        # An IANA zone name; NULL means the server's zone.
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=True))
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name_key", sa.String(64), nullable=False),
        sa.Column("client_key", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_login_failures_name_at", "login_failures", ["name_key", "at"])
    op.create_index("ix_login_failures_client_at", "login_failures", ["client_key", "at"])
    op.create_table(
        "access_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_access_events_subject", "access_events", ["subject"])


def downgrade() -> None:
    op.drop_table("access_events")
    op.drop_table("login_failures")
    with op.batch_alter_table("athletes") as batch:
        batch.drop_column("timezone")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("disabled_at")
