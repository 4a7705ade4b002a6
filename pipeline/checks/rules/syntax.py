"""syntax: code the parser cannot read.

Why: nothing else can be judged in a file that does not parse, and `flutter analyze` reports
every such spot as an error. Only the innermost error nodes are reported, and only the first
few: past those, syntax errors are mostly echoes of the first.

Example::

    void main() { print('hi') }   // error: Syntax error: missing ';'
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node, Tree

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.parsing import position, text_of, walk
from pipeline.checks.rules.base import FileRule

CODE = "syntax"
MAX_SYNTAX_ERRORS = 5
SNIPPET_LENGTH = 30
MISSING = "Syntax error: missing '{token}'"
UNEXPECTED = "Syntax error: unexpected '{snippet}'"


def _innermost_errors(root: Node) -> Iterator[Node]:
    for node in walk(root):
        innermost = node.type == "ERROR" and not any(
            child.type == "ERROR" or child.has_error for child in node.children
        )
        if node.is_missing or innermost:
            yield node


def _describe(node: Node) -> str:
    if node.is_missing:
        return MISSING.format(token=node.type)
    snippet = " ".join(text_of(node).split())
    if len(snippet) > SNIPPET_LENGTH:
        snippet = snippet[:SNIPPET_LENGTH] + "…"
    return UNEXPECTED.format(snippet=snippet) if snippet else "Syntax error"


def syntax_errors(path: str, tree: Tree) -> list[Diagnostic]:
    """The first few syntax errors of a parsed file, each with a short message."""
    if not tree.root_node.has_error:
        return []
    found: list[Diagnostic] = []
    for node in _innermost_errors(tree.root_node):
        line, column = position(node)
        found.append(Diagnostic(path, line, column, CODE, ERROR, _describe(node)))
        if len(found) == MAX_SYNTAX_ERRORS:
            break
    return found


def check(analysis: Analysis, path: str) -> list[Diagnostic]:
    """Syntax errors of one file."""
    return syntax_errors(path, analysis.project.dart[path].tree)


RULE = FileRule((CODE,), check)
