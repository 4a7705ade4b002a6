"""Dart parse trees from tree-sitter-dart, and the syntax errors they contain."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import tree_sitter_dart
from tree_sitter import Language, Node, Parser, Tree

from pipeline.checks.diagnostic import ERROR, Diagnostic

MAX_SYNTAX_ERRORS = 5
"""Past the first few, syntax errors are mostly echoes of the first one."""

SNIPPET_LENGTH = 30


@lru_cache(maxsize=1)
def _parser() -> Parser:
    return Parser(Language(tree_sitter_dart.language()))


@lru_cache(maxsize=1024)
def parse(text: str) -> Tree:
    """The parse tree of one Dart file (cached by content: reviews re-check the same files)."""
    return _parser().parse(text.encode("utf-8"))


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


def walk(node: Node) -> Iterator[Node]:
    """Every node under `node` (included), in source order, without recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _innermost_errors(root: Node) -> Iterator[Node]:
    for node in walk(root):
        innermost = node.type == "ERROR" and not any(
            child.type == "ERROR" or child.has_error for child in node.children
        )
        if node.is_missing or innermost:
            yield node


def _describe(node: Node) -> str:
    if node.is_missing:
        return f"Syntax error: missing '{node.type}'"
    snippet = " ".join(text_of(node).split())
    if len(snippet) > SNIPPET_LENGTH:
        snippet = snippet[:SNIPPET_LENGTH] + "…"
    return f"Syntax error: unexpected '{snippet}'" if snippet else "Syntax error"


def syntax_errors(path: str, tree: Tree) -> list[Diagnostic]:
    """The first few syntax errors of a parsed file, each with a short message."""
    if not tree.root_node.has_error:
        return []
    found: list[Diagnostic] = []
    for node in _innermost_errors(tree.root_node):
        line, column = position(node)
        found.append(Diagnostic(path, line, column, "syntax", ERROR, _describe(node)))
        if len(found) == MAX_SYNTAX_ERRORS:
            break
    return found
