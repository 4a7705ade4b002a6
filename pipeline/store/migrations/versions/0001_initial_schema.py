"""Initial schema: runs and everything a run records, deliveries and installations.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pipeline.store.coltypes import UtcDateTime, json_type

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

RUN_SCOPED = ("checkpoints", "reports", "files", "attempts", "ledger", "events", "commits")


def _run_id() -> sa.Column[str]:
    return sa.Column("run_id", sa.String(32), nullable=False)


def _run_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["run_id"], ["runs.id"], name=f"fk_{table}_run_id_runs", ondelete="CASCADE"
    )


def upgrade() -> None:
    """Create every table of the run store."""
    op.create_table(
        "runs",
        sa.Column("number", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("idea", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("engine", sa.String(64), nullable=False),
        sa.Column("config", json_type(), nullable=False),
        sa.Column("origin", json_type(), nullable=False),
        sa.Column("request", json_type(), nullable=False),
        sa.Column("installation", sa.String(64), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_expires_at", UtcDateTime, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("event_seq", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("queued_at", UtcDateTime, nullable=True),
        sa.Column("started_at", UtcDateTime, nullable=True),
        sa.Column("finished_at", UtcDateTime, nullable=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_runs"),
        sa.UniqueConstraint("id", name="uq_runs_id"),
    )
    op.create_index("ix_runs_status_installation", "runs", ["status", "installation"])
    op.create_index("ix_runs_status_lease_expires_at", "runs", ["status", "lease_expires_at"])

    op.create_table(
        "checkpoints",
        _run_id(),
        sa.Column("stage", sa.String(64), nullable=False),
        sa.Column("data", json_type(), nullable=False),
        sa.Column("saved_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "stage", name="pk_checkpoints"),
        _run_fk("checkpoints"),
    )
    op.create_table(
        "reports",
        _run_id(),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("markdown", sa.Text, nullable=False),
        sa.Column("saved_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "kind", name="pk_reports"),
        _run_fk("reports"),
    )
    op.create_table(
        "files",
        _run_id(),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("content", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("spec", json_type(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("started_at", UtcDateTime, nullable=True),
        sa.Column("finished_at", UtcDateTime, nullable=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "path", name="pk_files"),
        _run_fk("files"),
    )
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        _run_id(),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("approved", sa.Boolean, nullable=False),
        sa.Column("feedback", sa.Text, nullable=False),
        sa.Column("findings", json_type(), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attempts"),
        _run_fk("attempts"),
    )
    op.create_index("ix_attempts_run_id_path", "attempts", ["run_id", "path"])
    op.create_table(
        "ledger",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        _run_id(),
        sa.Column("stage", sa.String(64), nullable=False),
        sa.Column("path", sa.String(512), nullable=True),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("input_tokens", sa.Integer, nullable=False),
        sa.Column("output_tokens", sa.Integer, nullable=False),
        sa.Column("cache_write_tokens", sa.Integer, nullable=False),
        sa.Column("cache_read_tokens", sa.Integer, nullable=False),
        sa.Column("cost_usd", sa.Float, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger"),
        _run_fk("ledger"),
    )
    op.create_index("ix_ledger_run_id", "ledger", ["run_id"])
    op.create_table(
        "events",
        _run_id(),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload", json_type(), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "seq", name="pk_events"),
        _run_fk("events"),
    )
    op.create_table(
        "commits",
        _run_id(),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("sha", sa.String(64), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "key", name="pk_commits"),
        _run_fk("commits"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
    )
    op.create_table(
        "installations",
        sa.Column("id", sa.BigInteger, autoincrement=False, nullable=False),
        sa.Column("account", sa.String(256), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_installations"),
    )


def downgrade() -> None:
    """Drop every table of the run store."""
    for table in ("installations", "deliveries", *reversed(RUN_SCOPED), "runs"):
        op.drop_table(table)
