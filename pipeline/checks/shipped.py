"""The API index shipped with the project (built from the published sources), read once."""

from __future__ import annotations

from functools import cache, lru_cache

from pipeline.checks.api_index import ApiIndex
from pipeline.checks.api_load import read_shipped


@lru_cache(maxsize=1)
def shipped_index() -> ApiIndex:
    """The index built from the published sources, shipped with the project."""
    return read_shipped()


@cache
def shipped_exports(uri: str) -> frozenset[str]:
    """The names the shipped index knows `uri` to export (none for a library it lacks)."""
    index = shipped_index()
    return frozenset(index.exports(uri)) if index.outline(uri) is not None else frozenset()
