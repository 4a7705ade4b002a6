"""Turning database rows into the store's records."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import Row

from pipeline.engines.base import Usage
from pipeline.status import FileStatus, RunStatus
from pipeline.store.base import AttemptRecord, FileRecord, LedgerRow, RunRecord

T = TypeVar("T")


def _build(record: type[T], columns: Mapping[Any, Any], **converted: Any) -> T:
    """A record from the columns named like its fields, some of them `converted`."""
    names = (f.name for f in dataclasses.fields(record))  # type: ignore[arg-type]
    return record(**{name: converted[name] if name in converted else columns[name]
                     for name in names})


def run_record(row: Row[Any]) -> RunRecord:
    """A `runs` row as a RunRecord."""
    return _build(RunRecord, row._mapping, status=RunStatus(row.status))


def file_record(row: Row[Any]) -> FileRecord:
    """A `files` row as a FileRecord."""
    return _build(FileRecord, row._mapping, status=FileStatus(row.status))


def attempt_record(row: Row[Any]) -> AttemptRecord:
    """An `attempts` row as an AttemptRecord."""
    return _build(AttemptRecord, row._mapping)


def ledger_row(row: Row[Any]) -> LedgerRow:
    """A `ledger` row as a LedgerRow."""
    return _build(LedgerRow, row._mapping, usage=_build(Usage, row._mapping))


def usage_columns(usage: Usage) -> dict[str, Any]:
    """The ledger columns of one engine call's usage."""
    return dataclasses.asdict(usage)
