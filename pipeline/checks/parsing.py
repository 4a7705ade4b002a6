"""Dart parse trees from tree-sitter-dart, and how to read positions and text off them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import lru_cache

import tree_sitter_dart
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree


@lru_cache(maxsize=1)
def language() -> Language:
    """The Dart grammar."""
    return Language(tree_sitter_dart.language())


_threads = threading.local()


def _parser() -> Parser:
    """This thread's parser. A tree-sitter parser must not be shared between threads (its
    parse runs without the GIL), and the checks of several files run in threads at once
    (`pipeline.offload`)."""
    parser: Parser | None = getattr(_threads, "parser", None)
    if parser is None:
        parser = _threads.parser = Parser(language())
    return parser


@lru_cache(maxsize=64)
def _query(source: str) -> Query:
    return Query(language(), source)


def captures(node: Node, query: str) -> dict[str, list[Node]]:
    """What a tree-sitter query captures under `node`, by capture name.

    Much faster than walking the tree in Python: rules that look for a few node shapes in
    every file should ask this.
    """
    return QueryCursor(_query(query)).captures(node)


def inside_error(node: Node) -> bool:
    """Whether a parse error swallowed the node (the syntax rule reports those)."""
    parent = node.parent
    while parent is not None:
        if parent.type == "ERROR":
            return True
        parent = parent.parent
    return False


@lru_cache(maxsize=1024)
def parse(text: str) -> Tree:
    """The parse tree of one Dart file (cached by content: reviews re-check the same files)."""
    return _parser().parse(text.encode("utf-8"))


def parse_once(source: bytes) -> Tree:
    """The parse tree of a file read once (an SDK's): kept out of `parse`'s cache."""
    return _parser().parse(source)


def text_of(node: Node) -> str:
    """The source text a node spans."""
    raw = node.text
    return raw.decode("utf-8", errors="replace") if raw is not None else ""


def position(node: Node) -> tuple[int, int]:
    """1-based line and character column of a node's start."""
    row, byte_column = node.start_point
    column = byte_column
    if byte_column:
        # tree-sitter counts bytes; editors and the analyzer count characters.
        line_start = node.start_byte - byte_column
        root = node
        while root.parent is not None:
            root = root.parent
        source = root.text or b""
        column = len(source[line_start : node.start_byte].decode("utf-8", errors="replace"))
    return row + 1, column + 1


def children(node: Node) -> list[Node]:
    """The children of `node`, as `node.children` lists them but kept nowhere.

    `node.children` keeps its list on the node: on a node that lives as long as the check (a
    file's captures, a recorded call) every such list is one more container for each run of the
    cyclic garbage collector to traverse. A 3 MB file kept 200,000 of them, and a quarter of its
    check went to those runs; code that reads the children of every member or declaration of a
    file asks this instead.
    """
    cursor = node.walk()
    found: list[Node] = []
    more = cursor.goto_first_child()
    while more:
        child = cursor.node
        assert child is not None  # a cursor on a child always has one
        found.append(child)
        more = cursor.goto_next_sibling()
    return found


def walk(node: Node) -> Iterator[Node]:
    """Every node under `node` (included), in source order, without recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))
