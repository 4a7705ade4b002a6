"""Table names and fixed keys of the run store, named once."""

from __future__ import annotations

RUNS = "runs"
CHECKPOINTS = "checkpoints"
REPORTS = "reports"
FILES = "files"
ATTEMPTS = "attempts"
LEDGER = "ledger"
EVENTS = "events"
COMMITS = "commits"
DELIVERIES = "deliveries"
INSTALLATIONS = "installations"
OUTBOX = "outbox"
RATE_BUCKETS = "rate_buckets"
"""Shared rate-limit buckets (pipeline/store/rate_buckets.py), outside the migrated schema."""

LOCAL_INSTALLATION = "local"
"""The fairness key of runs without an installation: local runs count as one installation."""

INSTALLATION_KEY = "installation_id"
"""The origin key that names a run's GitHub App installation."""

RUN_ID_PREFIX = "r-"
RUN_ID_LENGTH = 10
RUN_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
"""Lower-case letters and digits: safe in URLs, branch names and file names."""

MIGRATIONS_PACKAGE_DIR = "migrations"
"""Where the Alembic scripts live, next to this module."""
