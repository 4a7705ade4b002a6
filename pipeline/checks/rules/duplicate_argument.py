"""duplicate-named-argument: one named argument given twice in one call.

Why: `Text('a', style: s, style: t)`: the analyzer reports every repeated name in an argument list
(`duplicate_named_argument`), whatever is being called: no types are needed to know it.

Example::

    Text('a', style: bold, style: big)   // error: The argument 'style' is given twice
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter

from tree_sitter import Node

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.file_query import file_pattern
from pipeline.checks.parsing import position, text_of
from pipeline.checks.rules.base import FileRule

CODE = "duplicate-named-argument"
PATTERN = file_pattern("duplicate-named-argument",
                       "(arguments (named_argument (label (identifier) @name)))\n"
                       "(arguments) @list")
START = attrgetter("start_byte")
MESSAGE = "The argument '{name}' is given twice"
CORRECTION = "Remove one of the two '{name}:' arguments"


def _climbed(name: Node) -> int:
    """The id of the argument list a captured label name belongs to, from its parents."""
    node: Node | None = name
    for _ in range(3):  # identifier -> label -> named_argument -> arguments
        node = node.parent if node is not None else None
    return node.id if node is not None else -1


def _argument_lists(names: list[Node], lists: list[Node]) -> Iterator[tuple[Node, int]]:
    """Each label name (in source order) with the id of its argument list: the innermost list
    whose span holds it (none lies between a name and its own), found in one sweep over both
    in source order; a name that spans nothing asks its parents."""
    open_lists: list[Node] = []
    ahead = iter(sorted(lists, key=lambda n: (n.start_byte, -n.end_byte)))  # outer first
    upcoming = next(ahead, None)
    for name in names:
        start, end = name.start_byte, name.end_byte
        while upcoming is not None and upcoming.start_byte <= start:
            while open_lists and open_lists[-1].end_byte <= upcoming.start_byte:
                open_lists.pop()
            open_lists.append(upcoming)
            upcoming = next(ahead, None)
        while open_lists and open_lists[-1].end_byte <= start:
            open_lists.pop()
        if start < end and open_lists and open_lists[-1].end_byte >= end:
            yield name, open_lists[-1].id
        else:
            yield name, _climbed(name)


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Each repeated named argument of one file, at its second occurrence."""
    tree = analysis.project.dart[path].tree
    seen: set[tuple[int, str]] = set()
    names = sorted(PATTERN.nodes(tree, "name"), key=START)
    for name, owner in _argument_lists(names, PATTERN.nodes(tree, "list")):
        key = (owner, text_of(name))
        if key in seen:
            line, column = position(name)
            yield Diagnostic(path, line, column, CODE, ERROR, MESSAGE.format(name=key[1]),
                             fix=CORRECTION.format(name=key[1]))
        seen.add(key)


RULE = FileRule((CODE,), check)
