"""wrong-type: a literal of one basic type assigned to a variable declared as another
(`final int count = 'three'`).

Why: the analyzer's `invalid_assignment`. Only the certain cases: the declared type is
`int`, `double`, `num`, `String` or `bool` (nullable or not) from dart:core, and the value is a
single literal of a type that can never be assigned to it (an int literal is a valid double).

Example::

    final int count = 'three';  // error: A value of type 'String' can't be assigned to a
                                // variable of type 'int'
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.locals import written_before
from pipeline.checks.parsing import children, position, text_of
from pipeline.checks.rules.base import FileRule
from pipeline.checks.usages import PATTERN as USAGES

CODE = "wrong-type"
MESSAGE = "A value of type '{value}' can't be assigned to a variable of type '{declared}'"
FIX = "Give '{name}' a {declared} value, or declare it as {value}"
LITERALS = {
    "string_literal": "String",
    "decimal_integer_literal": "int",
    "hex_integer_literal": "int",
    "decimal_floating_point_literal": "double",
    "true": "bool",
    "false": "bool",
    "null_literal": "Null",
}
ACCEPTS = {
    "int": {"int"},
    "double": {"double", "int"},
    "num": {"double", "int"},
    "String": {"String"},
    "bool": {"bool"},
}
DECLARATIONS = frozenset({"initialized_variable_definition", "initialized_identifier",
                          "static_final_declaration"})
"""Of the declaring nodes `usages` finds, those that may give a variable a value."""


def _declared_type(declaration: Node, name: Node) -> str | None:
    if declaration.type == "initialized_variable_definition":
        return written_before(name)
    holder = declaration.parent  # the identifier list; the type is written before it
    return written_before(holder) if holder is not None else None


def _value(declaration: Node, parts: list[Node]) -> Node | None:
    """The single value a declaration gives (`parts`: its children)."""
    if declaration.type == "initialized_variable_definition":
        values = [c for i, c in enumerate(parts)
                  if declaration.field_name_for_child(i) == "value"]
    else:
        after = False
        values = []
        for child in parts:
            if after:
                values.append(child)
            after = after or child.type == "="
    return values[0] if len(values) == 1 else None


def _shadowed(analysis: Analysis, path: str, name: str, node: Node) -> bool:
    """Whether `name` could mean something other than dart:core's type here."""
    namespace = analysis.namespace_of(path)
    if namespace is None or namespace.names.get(name, "dart:core") != "dart:core":
        return True
    region = analysis.regions(path).of(node)
    return region is not None and name in region.type_parameters


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Literals assigned to variables of a basic type they can never have."""
    for declaration in USAGES.nodes(analysis.project.dart[path].tree, "declaring"):
        if declaration.type not in DECLARATIONS:
            continue
        parts = children(declaration)
        name = declaration.child_by_field_name("name") or next(
            (c for c in parts if c.type == "identifier"), None)
        if name is None:
            continue
        value = _value(declaration, parts)
        if value is None or value.type not in LITERALS:
            continue  # first: the written type is read off the siblings, which costs more
        declared = _declared_type(declaration, name)
        if declared is None:
            continue
        nullable = declared.endswith("?")
        bare = declared.removesuffix("?")
        literal = LITERALS[value.type]
        if bare not in ACCEPTS or literal in ACCEPTS[bare] or (literal == "Null" and nullable):
            continue
        if _shadowed(analysis, path, bare, declaration):
            continue
        line, column = position(value)
        yield Diagnostic(path, line, column, CODE, ERROR,
                         MESSAGE.format(value=literal, declared=declared),
                         FIX.format(name=text_of(name), declared=bare, value=literal))


RULE = FileRule((CODE,), check)
