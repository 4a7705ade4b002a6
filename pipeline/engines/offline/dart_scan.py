"""A light scan of Dart source: its imports and top-level names, for offline reviews.

Top-level declarations start in column 0 in formatted Dart, which is what the offline engine
writes; this is a reviewer's quick look, not the project's static checks.
"""

from __future__ import annotations

import posixpath
import re
from functools import cache

import tree_sitter
import tree_sitter_dart

IMPORT = re.compile(r"""^\s*import\s+['"]([^'"]+)['"]""", re.MULTILINE)
TYPE_DECLARATION = re.compile(
    r"^(?:(?:abstract|final|base|interface|sealed|mixin)\s+)*"
    r"(?:class|mixin|enum|extension|typedef)\s+([A-Za-z_]\w*)",
    re.MULTILINE,
)
FUNCTION = re.compile(r"^(?!return\b|import\b|export\b)(?=\S)[\w<>?,\[\] ]+?\s+([A-Za-z_]\w*)\s*\(",
                      re.MULTILINE)
VARIABLE = re.compile(r"^(?:const|final|var|late)\s+(?:[\w<>?]+\s+)?([A-Za-z_]\w*)\s*=",
                      re.MULTILINE)


def imported_paths(path: str, content: str, app: str) -> set[str]:
    """Project paths `content` imports: `package:<app>/x` is `lib/x`, relative URIs resolve."""
    found: set[str] = set()
    for uri in IMPORT.findall(content):
        if uri.startswith(f"package:{app}/"):
            found.add("lib/" + uri.removeprefix(f"package:{app}/"))
        elif ":" not in uri:
            found.add(posixpath.normpath(posixpath.join(posixpath.dirname(path), uri)))
    return found


def declared_names(content: str) -> set[str]:
    """Top-level names the file declares (classes, functions, variables)."""
    names = set(TYPE_DECLARATION.findall(content))
    names |= set(FUNCTION.findall(content)) | set(VARIABLE.findall(content))
    return names


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_dart.language()))


def syntax_error_line(content: str) -> int | None:
    """The 1-based line of the first syntax error tree-sitter-dart finds, or None."""
    root = _parser().parse(content.encode()).root_node
    if not root.has_error:
        return None
    todo = [root]
    while todo:
        node = todo.pop(0)
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        todo.extend(c for c in node.children if c.has_error or c.is_missing)
    return root.end_point[0] + 1
