"""The run store: runs, their checkpoints, files, attempts, ledger, events and leases."""

from pipeline.store.open import open_store
from pipeline.store.sql import SqlRunStore

__all__ = ["SqlRunStore", "open_store"]
