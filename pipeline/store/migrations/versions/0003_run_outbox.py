"""The run outbox: effects a run owes the outside world, pending until a sink confirms them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pipeline.store.coltypes import UtcDateTime, json_type

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEX = "ix_outbox_delivered_at_due_at"


def upgrade() -> None:
    """Create the outbox table."""
    op.create_table(
        "outbox",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("payload", json_type(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("delivered_at", UtcDateTime, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("due_at", UtcDateTime, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("run_id", "kind", name="pk_outbox"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_outbox_run_id_runs",
                                ondelete="CASCADE"),
    )
    op.create_index(INDEX, "outbox", ["delivered_at", "due_at"])


def downgrade() -> None:
    """Drop it again."""
    op.drop_index(INDEX, table_name="outbox")
    op.drop_table("outbox")
