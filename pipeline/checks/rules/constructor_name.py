"""constructor-name: a constructor named after a class that is not the one around it.

Why: what a class rename leaves behind. The analyzer reads `Old()` inside `class New` as a
method without a return type, unless the signature can only be a constructor (`const`,
`factory`, `Old.named()`, an initializer list, `this.x` parameters); only those are reported.

Example::

    class New {
      const Old();   // error: Constructor 'Old' does not match class 'New': rename one of them
    }
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node, Tree

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.file_query import any_of, file_pattern
from pipeline.checks.parsing import position, text_of, walk
from pipeline.checks.rules.base import FileRule
from pipeline.checks.usages import CONSTRUCTOR_SIGNATURES

CODE = "constructor-name"
CLASS_NODES = frozenset({"class_definition", "enum_declaration"})
CONSTRUCTOR_ONLY = frozenset({"constructor_param", "super_formal_parameter"})
PATTERN = file_pattern("constructor-name", any_of(CONSTRUCTOR_SIGNATURES, "signature"))
MISMATCH = "Constructor '{name}' does not match class '{owner}': rename one of them"


def _surely_constructor(signature: Node) -> bool:
    """`Foo()` alone may be a method without a return type; these forms never are."""
    if signature.type != "constructor_signature":
        return True  # const, factory and redirecting signatures
    if any(c.type == "." for c in signature.children):
        return True  # Foo.named()
    following = signature.next_named_sibling
    if following is not None and following.type == "initializers":
        return True
    return any(n.type in CONSTRUCTOR_ONLY for n in walk(signature))


def mismatched_constructors(path: str, tree: Tree) -> Iterator[Diagnostic]:
    """Constructors named after a class that is not the one around them."""
    for signature in PATTERN.nodes(tree, "signature"):
        owner = _class_around(signature)
        if owner is None:
            continue
        first = next((c for c in signature.children if c.type == "identifier"), None)
        if first is None or text_of(first) == owner or not _surely_constructor(signature):
            continue
        line, column = position(first)
        yield Diagnostic(path, line, column, CODE, ERROR,
                         MISMATCH.format(name=text_of(first), owner=owner))


def _class_around(signature: Node) -> str | None:
    """The name of the top-level class or enum whose body holds the signature, if any."""
    ancestors: list[Node] = []
    parent = signature.parent
    while parent is not None:
        ancestors.append(parent)
        parent = parent.parent
    if len(ancestors) < 2 or ancestors[-2].type not in CLASS_NODES:
        return None  # ancestors[-1] is the file, ancestors[-2] its top-level declaration
    name = ancestors[-2].child_by_field_name("name")
    body = ancestors[-2].child_by_field_name("body")
    if name is None or body is None or body not in ancestors:
        return None
    return text_of(name)


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Mismatched constructors of one file."""
    return mismatched_constructors(path, analysis.project.dart[path].tree)


RULE = FileRule((CODE,), check)
