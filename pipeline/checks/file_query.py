"""The one tree-sitter query each Dart file is searched with: every node shape the checks ask of
a whole file.

A query run costs a walk of the whole tree in C whatever it matches (about 80 ms for a 3 MB
file), so eight modules each running their own query over every file paid for eight walks.
Instead each module declares its patterns here at import time (`file_pattern`), and all of
them are captured by one run per file, which takes little longer than any one of them alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from tree_sitter import Node, Query, QueryCursor, Tree

from pipeline.checks.parsing import language

CAPTURE = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)")
"""A capture name in a pattern (and in its predicates): renamed `@owner.name` when joined."""

_patterns: dict[str, str] = {}


class Pattern:
    """The patterns one module looks for in every file, read back by their capture names."""

    def __init__(self, owner: str) -> None:
        self.owner = owner

    def nodes(self, tree: Tree, capture: str) -> list[Node]:
        """The nodes of the file captured under `capture`, in source order."""
        return _captured(tree).get(f"{self.owner}.{capture}", [])


def any_of(kinds: Iterable[str], capture: str | None = None) -> str:
    """A pattern matching a node of any of these types, `[(a) (b)]`, captured as `capture`."""
    pattern = "[" + " ".join(f"({kind})" for kind in sorted(kinds)) + "]"
    return pattern if capture is None else f"{pattern} @{capture}"


def file_pattern(owner: str, source: str) -> Pattern:
    """Add `source` (tree-sitter query patterns) to the file query, its captures kept apart
    under `owner`; only at import time, before any file is searched."""
    if _file_query.cache_info().currsize:
        raise RuntimeError(f"file pattern {owner!r} added after the file query was compiled")
    if owner in _patterns:
        raise ValueError(f"two file patterns named {owner!r}")
    _patterns[owner] = CAPTURE.sub(lambda m: f"@{owner}.{m.group(1)}", source)
    return Pattern(owner)


@lru_cache(maxsize=1)
def _file_query() -> Query:
    return Query(language(), "\n".join(_patterns.values()))


@lru_cache(maxsize=1024)
def _captured(tree: Tree) -> dict[str, list[Node]]:
    """Every capture of the file query in one file (cached like `parsing.parse`, whose trees
    are shared by every check of the same content)."""
    return QueryCursor(_file_query()).captures(tree.root_node)
