"""The review queue's triage keys and the fired rules as rows.

- ``recommendations.attention`` (bits: pain, ladder move, load move, the plan overridden) and
  ``recommendations.recovery_pct``: the queue sorts and filters on them in SQL.
- ``rule_firings``: each rule that fired in a recommendation, once: ``review stats`` and
  ``rules show`` count rows instead of parsing every stored trace.

Existing recommendations are filled from their stored documents, a batch at a time, with the
same functions the store uses when it writes one (engine.storage.triage_columns).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.storage.triage_columns import fired_rules_of, triage_values

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BATCH = 500  # rows per read while filling (memory, not meaning)


def upgrade() -> None:
    with op.batch_alter_table("recommendations") as batch:
        batch.add_column(sa.Column("attention", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("recovery_pct", sa.Integer(), nullable=True))
    op.create_table(
        "rule_firings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "recommendation_id", sa.Integer(), sa.ForeignKey("recommendations.id"), nullable=False
        ),
        sa.Column("rule", sa.String(64), nullable=False),
    )
    op.create_index("ix_rule_firings_recommendation_id", "rule_firings", ["recommendation_id"])
    op.create_index("ix_rule_firings_rule", "rule_firings", ["rule", "recommendation_id"])
    _fill()


def _fill() -> None:
    bind = op.get_bind()
    recommendations = sa.table(
        "recommendations",
        sa.column("id", sa.Integer()),
        sa.column("request", sa.JSON()),
        sa.column("recommendation", sa.JSON()),
        sa.column("attention", sa.Integer()),
        sa.column("recovery_pct", sa.Integer()),
    )
    firings = sa.table(
        "rule_firings", sa.column("recommendation_id", sa.Integer()), sa.column("rule", sa.String())
    )
    columns = recommendations.c
    after = 0
    while True:
        rows = bind.execute(
            sa.select(columns.id, columns.request, columns.recommendation)
            .where(columns.id > after)
            .order_by(columns.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        fired = []
        for rec_id, request, recommendation in rows:
            bind.execute(
                recommendations.update()
                .where(columns.id == rec_id)
                .values(**triage_values(request or {}, recommendation or {}))
            )
            fired += [
                {"recommendation_id": rec_id, "rule": rule}
                for rule in fired_rules_of(recommendation or {})
            ]
        if fired:
            bind.execute(firings.insert(), fired)
        after = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_rule_firings_rule", table_name="rule_firings")
    op.drop_index("ix_rule_firings_recommendation_id", table_name="rule_firings")
    op.drop_table("rule_firings")
    with op.batch_alter_table("recommendations") as batch:
        batch.drop_column("recovery_pct")
        batch.drop_column("attention")
