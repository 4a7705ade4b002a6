"""duplicate-named-argument: one named argument given twice in one call.

Why: `Text('a', style: s, style: t)`: the analyzer reports every repeated name in an argument list
(`duplicate_named_argument`), whatever is being called: no types are needed to know it.

Example::

    Text('a', style: bold, style: big)   // error: The argument 'style' is given twice
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.file_query import file_pattern
from pipeline.checks.parsing import position, text_of
from pipeline.checks.rules.base import FileRule

CODE = "duplicate-named-argument"
PATTERN = file_pattern("duplicate-named-argument",
                       "(arguments (named_argument (label (identifier) @name)))")
MESSAGE = "The argument '{name}' is given twice"
CORRECTION = "Remove one of the two '{name}:' arguments"


def _argument_list(name: Node) -> int:
    """The id of the argument list a captured label name belongs to."""
    node: Node | None = name
    for _ in range(3):  # identifier -> label -> named_argument -> arguments
        node = node.parent if node is not None else None
    return node.id if node is not None else -1


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Each repeated named argument of one file, at its second occurrence."""
    seen: set[tuple[int, str]] = set()
    names = sorted(PATTERN.nodes(analysis.project.dart[path].tree, "name"),
                   key=lambda n: n.start_byte)
    for name in names:
        key = (_argument_list(name), text_of(name))
        if key in seen:
            line, column = position(name)
            yield Diagnostic(path, line, column, CODE, ERROR, MESSAGE.format(name=key[1]),
                             fix=CORRECTION.format(name=key[1]))
        seen.add(key)


RULE = FileRule((CODE,), check)
