"""duplicate-definition: one name declared twice in the same scope.

Why: Dart has no overloading. Two members of a class, enum, mixin or extension with one name,
two top-level declarations of one library (its parts included), two parameters of one
function, two locals of one block: the analyzer reports each (`duplicate_definition`). A getter
and a setter of one name are a pair, not a duplicate. An unnamed extension declares no name.

Example::

    class Recipe {
      void save() {}
      void save() {}   // error: The name 'save' is already defined (line 2)
    }
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from pipeline.checks.analysis import Analysis
from pipeline.checks.declarations import VARIABLE_LISTS, Declaration
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.file_query import file_pattern
from pipeline.checks.parsing import captures, children, position, text_of
from pipeline.checks.rules.base import FileRule, ProjectRule
from pipeline.checks.usages import CONSTRUCTOR_SIGNATURES

CODE = "duplicate-definition"
MESSAGE = "The name '{name}' is already defined (line {where})"
CORRECTION = "Rename or remove one of the two declarations of '{name}'"
PATTERN = file_pattern("duplicate-definition", """
[(class_body) (enum_body) (extension_body)] @body
(formal_parameter_list) @parameters
(block) @block
""")
SETTER_KINDS = frozenset({"setter", "setter_signature"})
OPERATOR_PARTS = frozenset({"operator", "formal_parameter_list", "type_identifier",
                            "void_type", "nullable_type", "type_arguments", "function_type"})
UNCHECKED = frozenset({"", "_"})
"""A name the parser had to invent, and the wildcard, which binds nothing (Dart 3.7)."""


@dataclass(frozen=True)
class Named:
    """One declared name in a file, and its namespace in the scope.

    Setters have their own (a getter and a setter pair up), and so do constructors
    (`Recipe.draft` and a method `draft` are two things).
    """

    path: str
    node: Node
    space: str = ""
    spelled: str | None = None
    """The name when it is not the node's text (`operator ==`)."""

    @property
    def key(self) -> tuple[str, str]:
        return self.spelled or text_of(self.node), self.space


def _duplicates(declared: Iterable[Named]) -> Iterator[Diagnostic]:
    """The second and later declarations of each name, pointing at the first."""
    first: dict[tuple[str, str], Named] = {}
    for named in declared:
        name = named.key[0]
        if name in UNCHECKED:
            continue
        earlier = first.setdefault(named.key, named)
        if earlier is named:
            continue
        where = str(position(earlier.node)[0])
        if earlier.path != named.path:
            where = f"{earlier.path}:{where}"
        line, column = position(named.node)
        yield Diagnostic(named.path, line, column, CODE, ERROR,
                         MESSAGE.format(name=name, where=where),
                         fix=CORRECTION.format(name=name))


def _signature_names(path: str, signature: Node) -> Iterator[Named]:
    if signature.type in CONSTRUCTOR_SIGNATURES:
        names = [c for c in signature.children if c.type == "identifier"]
        if names:  # `Recipe()` is named by the class, `Recipe.draft()` by `draft`
            yield Named(path, names[-1], space="new")
        return
    if signature.type == "operator_signature":
        yield _operator(path, signature)
        return
    name = next((c for c in signature.children if c.type == "identifier"), None)
    if name is not None:
        yield Named(path, name, space="set" if signature.type in SETTER_KINDS else "")


def _operator(path: str, signature: Node) -> Named:
    """`operator -(other)` and the unary `operator -()` are two operators."""
    symbol = next((c for c in signature.children if c.type not in OPERATOR_PARTS), signature)
    parameters = next((c for c in signature.children if c.type == "formal_parameter_list"), None)
    unary = parameters is not None and parameters.named_child_count == 0
    spelled = f"operator {'unary' if unary else ''}{text_of(symbol)}"
    return Named(path, symbol, spelled=spelled)


def _first_identifier(node: Node) -> Node | None:
    first = node.child(0) if node.child_count else None  # nearly always the name
    if first is not None and first.type == "identifier":
        return first
    return next((c for c in children(node) if c.type == "identifier"), None)


def _member_names(path: str, body: Node) -> Iterator[Named]:
    """What one class-like body declares, in source order."""
    for member in children(body):
        if member.type == "enum_constant":
            name = next((c for c in children(member) if c.type == "identifier"), None)
            if name is not None:
                yield Named(path, name)
            continue
        if member.type not in ("declaration", "method_signature"):
            continue
        for part in children(member):
            if part.type in VARIABLE_LISTS:
                for item in children(part):
                    if item.type == VARIABLE_LISTS[part.type]:
                        name = _first_identifier(item)
                        if name is not None:
                            yield Named(path, name)
            elif part.type == "identifier":
                yield Named(path, part)  # external int e;
            elif part.type.endswith("_signature"):
                yield from _signature_names(path, part)


def _parameter_names(path: str, parameters: Node) -> Iterator[Named]:
    """The names of one parameter list (not of function-typed parameters inside it)."""
    for child in parameters.children:
        if child.type == "optional_formal_parameters":
            yield from _parameter_names(path, child)
        elif child.type == "formal_parameter":
            inner = next((c for c in child.children
                          if c.type in ("constructor_param", "super_formal_parameter")), child)
            name = next((c for c in reversed(inner.children) if c.type == "identifier"), None)
            if name is not None:
                yield Named(path, name)


def _local_names(path: str, block: Node) -> Iterator[Named]:
    """The variables and functions a block declares directly (not its nested blocks)."""
    for statement in block.children:
        if statement.type == "local_variable_declaration":
            for definition in statement.children:
                if definition.type != "initialized_variable_definition":
                    continue
                for part in definition.children:
                    if part.type == "identifier":
                        yield Named(path, part)
                        break
                for item in definition.children:
                    if item.type == "initialized_identifier":
                        name = next((c for c in item.children if c.type == "identifier"), None)
                        if name is not None:
                            yield Named(path, name)
        elif statement.type == "local_function_declaration":
            for signature in captures(statement, "(lambda_expression . (function_signature) @s)")\
                    .get("s", [])[:1]:
                yield from _signature_names(path, signature)


def check_file(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Duplicate members, parameters and locals of one file."""
    tree = analysis.project.dart[path].tree
    for capture, names in (("body", _member_names), ("parameters", _parameter_names),
                           ("block", _local_names)):
        for scope in sorted(PATTERN.nodes(tree, capture), key=lambda n: n.start_byte):
            yield from _duplicates(names(path, scope))


def _top_level(path: str, declaration: Declaration) -> Named | None:
    if declaration.kind == "extension" and declaration.node.type != "identifier":
        return None  # `extension on String`: the first name is the extended type
    return Named(path, declaration.node, space="set" if declaration.kind == "setter" else "")


def check_libraries(analysis: Analysis) -> Iterator[Diagnostic]:
    """Duplicate top-level declarations across each library and its parts."""
    project = analysis.project
    for library in sorted({lib for lib in project.library_of.values() if lib is not None}):
        units = [path for path in project.unit_paths(library) if path in project.dart]
        yield from _duplicates(
            named for path in units for declaration in project.dart[path].declarations
            if (named := _top_level(path, declaration)) is not None)


FILE_RULE = FileRule((CODE,), check_file)
PROJECT_RULE = ProjectRule((CODE,), check_libraries)
