"""Durable deliveries: a delivery keeps its payload, its claim and when it was handled.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pipeline.store.coltypes import UtcDateTime, json_type

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NEW_COLUMNS = ("payload", "claimed_by", "claimed_until", "handled_at")
INDEX = "ix_deliveries_handled_at_claimed_until"


def upgrade() -> None:
    """Add the columns; deliveries recorded before them have no payload to replay: handled."""
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("payload", json_type(), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(128), nullable=True))
        batch.add_column(sa.Column("claimed_until", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("handled_at", UtcDateTime, nullable=True))
    op.execute("UPDATE deliveries SET handled_at = received_at")
    op.create_index(INDEX, "deliveries", ["handled_at", "claimed_until"])


def downgrade() -> None:
    """Drop the index and the columns again."""
    op.drop_index(INDEX, table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch:
        for column in reversed(NEW_COLUMNS):
            batch.drop_column(column)
