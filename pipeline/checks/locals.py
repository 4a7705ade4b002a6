"""What a name means inside one member body: the locals and parameters that declare it.

A member (a method, a function, a constructor, a field initializer) is judged as one region:
every declaration of a name anywhere in it (parameters, locals, closures' parameters, loop and
catch variables, patterns) must agree on one written type, or the name's type is not evident.
That is stricter than Dart's block scoping, and never wrong where it gives an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tree_sitter import Node

from pipeline.checks.parsing import text_of, walk
from pipeline.checks.usages import declared_by

MEMBER_HOSTS = frozenset({"program", "class_body", "extension_body", "enum_body"})
"""Nodes whose children are members or top-level declarations."""
TYPE_PARTS = frozenset({"type_identifier", "type_arguments", "nullable_type", "."})
MODIFIERS = frozenset({"final_builtin", "const_builtin", "late", "covariant", "required",
                       "inferred_type", "var", "final", "const", "comment"})
SIGNATURE_HOSTS = frozenset({"function_signature", "method_signature", "declaration"})
TYPE_OWNERS = frozenset({"class_definition", "mixin_declaration", "enum_declaration",
                         "extension_declaration", "extension_type_declaration"})


@dataclass(frozen=True)
class Written:
    """A name declared with a type written out (`Foo foo`, `final List<int> xs`)."""

    text: str


@dataclass(frozen=True)
class Inferred:
    """A local declared without a type, from its initializer (`final foo = Foo()`)."""

    value: Node


@dataclass(frozen=True)
class FieldParameter:
    """`this.name` in a constructor: the field's declared type."""

    field: str


Declared = Written | Inferred | FieldParameter


@dataclass(frozen=True)
class Region:
    """The nodes of one member and the type declaration around it, if any."""

    nodes: tuple[Node, ...]
    owner: Node | None

    def declarations(self, name: str) -> list[Node]:
        """The nodes that declare `name` anywhere in this member."""
        found: list[Node] = []
        for part in self.nodes:
            for node in walk(part):
                found.extend(node for declared in declared_by(node) if text_of(declared) == name)
        return found

    def type_parameters(self) -> frozenset[str]:
        """Type parameter names in scope: the owner's and those of any function in the member."""
        names: set[str] = set()
        scopes = [*self.nodes]
        if self.owner is not None:
            scopes.extend(c for c in self.owner.children if c.type == "type_parameters")
        for part in scopes:
            for node in walk(part):
                if node.type == "type_parameter":
                    first = next((c for c in node.children if c.type == "type_identifier"), None)
                    if first is not None:
                        names.add(text_of(first))
        return frozenset(names)


def region_of(node: Node) -> Region | None:
    """The member `node` sits in; None outside any member."""
    current = node
    while current.parent is not None and current.parent.type not in MEMBER_HOSTS:
        current = current.parent
    host = current.parent
    if host is None:
        return None
    parts = [current]
    if current.type == "function_body":
        signature = current.prev_named_sibling
        while signature is not None and signature.type in ("comment", "annotation"):
            signature = signature.prev_named_sibling
        if signature is not None:
            parts.insert(0, signature)
    elif current.type in SIGNATURE_HOSTS:
        body = current.next_named_sibling
        if body is not None and body.type == "function_body":
            parts.append(body)
    owner = host.parent if host.type != "program" else None
    return Region(tuple(parts), owner if owner is not None and owner.type in TYPE_OWNERS else None)


def written_before(name: Node) -> str | None:
    """The type written before a declared name, or None if there is none we can read."""
    parts: list[Node] = []
    previous = name.prev_sibling
    while previous is not None and previous.type in TYPE_PARTS | MODIFIERS:
        if previous.type in TYPE_PARTS:
            parts.insert(0, previous)
        previous = previous.prev_sibling
    if previous is not None and (previous.type.endswith("_type") or previous.type == "Function"):
        return None  # a function type, a record type, `void`: not a class we could look up
    if not parts or parts[0].type != "type_identifier":
        return None
    return "".join(text_of(p) for p in parts)


def _value_after(name: Node) -> Node | None:
    following = name.next_sibling
    if following is None or following.type != "=":
        return None
    return following.next_sibling


def declared_as(declaration: Node, name: str) -> Declared | None:
    """How one declaring node types `name`, or None when it does not say."""
    kind = declaration.type
    if kind == "formal_parameter":
        if any(c.type == "formal_parameter_list" for c in declaration.children):
            return None  # a function-typed parameter: `void f(int x)`
        if any(c.type == "constructor_param" for c in declaration.children):
            return FieldParameter(name)
        named = next((c for c in declaration.children
                      if c.type == "identifier" and text_of(c) == name), None)
        written = written_before(named) if named is not None else None
        return Written(written) if written is not None else None
    if kind == "initialized_variable_definition":
        named = declaration.child_by_field_name("name")
        if named is None or text_of(named) != name:
            return None
        written = written_before(named)
        if written is not None:
            return Written(written)
        value = _value_after(named)
        return Inferred(value) if value is not None else None
    return None


def local_type(region: Region, name: str) -> Declared | Literal[False] | None:
    """How the member declares `name`: one agreed declaration, None when its declarations do
    not give one evident type, False when the member does not declare it at all."""
    declarations = region.declarations(name)
    if not declarations:
        return False
    found = {declared_as(d, name) for d in declarations}
    if len(found) != 1:
        return None
    [only] = found
    if isinstance(only, Inferred) and len(declarations) > 1:
        return None
    return only
