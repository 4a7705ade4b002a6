"""The run store's tables (SQLAlchemy Core); the Alembic migrations create the same schema."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from pipeline.store import names
from pipeline.store.coltypes import UtcDateTime, json_type

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _run_id() -> Column[str]:
    """The column every run-scoped table starts with; rows go when their run goes."""
    return Column(
        "run_id", String(32), ForeignKey(f"{names.RUNS}.id", ondelete="CASCADE"), nullable=False
    )


runs = Table(
    names.RUNS,
    metadata,
    # `number` orders runs by creation (ties of created_at cannot reorder them).
    Column("number", Integer, primary_key=True, autoincrement=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("idea", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("engine", String(64), nullable=False),
    Column("config", json_type(), nullable=False),
    Column("origin", json_type(), nullable=False),
    Column("request", json_type(), nullable=False),
    # The fairness key of a claim: origin's installation id, or "local".
    Column("installation", String(64), nullable=False),
    Column("error", Text),
    Column("lease_owner", String(128)),
    Column("lease_expires_at", UtcDateTime),
    Column("attempts", Integer, nullable=False),
    # The last event's sequence number; bumping it under the row lock keeps seqs dense.
    Column("event_seq", Integer, nullable=False),
    # One timestamp per transition: queued, running (started), terminal (finished).
    Column("created_at", UtcDateTime, nullable=False),
    Column("queued_at", UtcDateTime),
    Column("started_at", UtcDateTime),
    Column("finished_at", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "status", "installation"),
    Index(None, "status", "lease_expires_at"),
)

checkpoints = Table(
    names.CHECKPOINTS,
    metadata,
    _run_id(),
    Column("stage", String(64), nullable=False),
    Column("data", json_type(), nullable=False),
    Column("saved_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("run_id", "stage"),
)

reports = Table(
    names.REPORTS,
    metadata,
    _run_id(),
    Column("kind", String(64), nullable=False),
    Column("markdown", Text, nullable=False),
    Column("saved_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("run_id", "kind"),
)

files = Table(
    names.FILES,
    metadata,
    _run_id(),
    Column("path", String(512), nullable=False),
    Column("level", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("content", Text),
    Column("attempts", Integer, nullable=False),
    Column("spec", json_type(), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime),
    Column("finished_at", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("run_id", "path"),
)

attempts = Table(
    names.ATTEMPTS,
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _run_id(),
    Column("path", String(512), nullable=False),
    Column("number", Integer, nullable=False),
    Column("content", Text, nullable=False),
    Column("approved", Boolean, nullable=False),
    Column("feedback", Text, nullable=False),
    Column("findings", json_type(), nullable=False),
    Column("note", Text),
    Column("at", UtcDateTime, nullable=False),
    Index(None, "run_id", "path"),
)

ledger = Table(
    names.LEDGER,
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _run_id(),
    Column("stage", String(64), nullable=False),
    Column("path", String(512)),
    Column("model", String(128), nullable=False),
    Column("input_tokens", Integer, nullable=False),
    Column("output_tokens", Integer, nullable=False),
    Column("cache_write_tokens", Integer, nullable=False),
    Column("cache_read_tokens", Integer, nullable=False),
    Column("cost_usd", Float, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index(None, "run_id"),
)

events = Table(
    names.EVENTS,
    metadata,
    _run_id(),
    Column("seq", Integer, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("payload", json_type(), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("run_id", "seq"),
)

commits = Table(
    names.COMMITS,
    metadata,
    _run_id(),
    Column("key", String(128), nullable=False),
    Column("sha", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("run_id", "key"),
)

outbox = Table(
    names.OUTBOX,
    metadata,
    _run_id(),
    # The event's kind: one pending delivery per kind and run, the newest replacing the last.
    Column("kind", String(64), nullable=False),
    # Names this version of the row, so confirming an older one never marks a newer delivered.
    Column("token", String(32), nullable=False),
    Column("payload", json_type(), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime),
    Column("attempts", Integer, nullable=False),
    # When to try again; NULL on an undelivered row means no more tries (given up, superseded).
    Column("due_at", UtcDateTime),
    Column("error", Text),
    PrimaryKeyConstraint("run_id", "kind"),
    Index(None, "delivered_at", "due_at"),
)

deliveries = Table(
    names.DELIVERIES,
    metadata,
    Column("id", String(128), primary_key=True),
    Column("event", String(64), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    # What replaying it needs; NULL on handled rows past the retention (and those older than
    # migration 0002).
    Column("payload", json_type()),
    # The server that queued it, until when; a lapsed claim on an unhandled one is replayed.
    Column("claimed_by", String(128)),
    Column("claimed_until", UtcDateTime),
    Column("handled_at", UtcDateTime),
    Index(None, "handled_at", "claimed_until"),
)

installations = Table(
    names.INSTALLATIONS,
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("account", String(256), nullable=False),
    Column("action", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
