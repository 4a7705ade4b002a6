"""Turning database rows into the store's records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from pipeline.engines.base import Usage
from pipeline.status import FileStatus, RunStatus
from pipeline.store.base import AttemptRecord, FileRecord, LedgerRow, RunRecord


def run_record(row: Row[Any]) -> RunRecord:
    """A `runs` row as a RunRecord."""
    m = row._mapping
    return RunRecord(
        id=m["id"],
        idea=m["idea"],
        status=RunStatus(m["status"]),
        engine=m["engine"],
        config=m["config"],
        origin=m["origin"],
        request=m["request"],
        created_at=m["created_at"],
        started_at=m["started_at"],
        finished_at=m["finished_at"],
        error=m["error"],
        lease_owner=m["lease_owner"],
        lease_expires_at=m["lease_expires_at"],
        attempts=m["attempts"],
    )


def file_record(row: Row[Any]) -> FileRecord:
    """A `files` row as a FileRecord."""
    m = row._mapping
    return FileRecord(
        path=m["path"],
        level=m["level"],
        status=FileStatus(m["status"]),
        content=m["content"],
        attempts=m["attempts"],
        spec=m["spec"],
    )


def attempt_record(row: Row[Any]) -> AttemptRecord:
    """An `attempts` row as an AttemptRecord."""
    m = row._mapping
    return AttemptRecord(
        path=m["path"],
        number=m["number"],
        content=m["content"],
        approved=m["approved"],
        feedback=m["feedback"],
        findings=m["findings"],
        note=m["note"],
    )


def ledger_row(row: Row[Any]) -> LedgerRow:
    """A `ledger` row as a LedgerRow."""
    m = row._mapping
    usage = Usage(
        model=m["model"],
        input_tokens=m["input_tokens"],
        output_tokens=m["output_tokens"],
        cache_write_tokens=m["cache_write_tokens"],
        cache_read_tokens=m["cache_read_tokens"],
        cost_usd=m["cost_usd"],
        seconds=m["seconds"],
    )
    return LedgerRow(stage=m["stage"], path=m["path"], usage=usage, at=m["at"])


def usage_columns(usage: Usage) -> dict[str, Any]:
    """The ledger columns of one engine call's usage."""
    return {
        "model": usage.model,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_write_tokens": usage.cache_write_tokens,
        "cache_read_tokens": usage.cache_read_tokens,
        "cost_usd": usage.cost_usd,
        "seconds": usage.seconds,
    }
