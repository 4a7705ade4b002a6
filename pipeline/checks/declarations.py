"""The top-level declarations of a Dart file: the names other files can import from it."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node, Tree

from pipeline.checks.parsing import text_of

TYPE_DECLARATIONS = {
    "class_definition": "class",
    "enum_declaration": "enum",
    "mixin_declaration": "mixin",
    "extension_declaration": "extension",
    "extension_type_declaration": "extension type",
}
SIGNATURES = {
    "function_signature": "function",
    "getter_signature": "getter",
    "setter_signature": "setter",
}
VARIABLE_LISTS = {
    "initialized_identifier_list": "initialized_identifier",
    "static_final_declaration_list": "static_final_declaration",
}
NAME_TYPES = ("identifier", "type_identifier")


@dataclass(frozen=True)
class Declaration:
    """One top-level name and what declares it."""

    name: str
    kind: str
    node: Node


def _first_name(node: Node) -> Node | None:
    named = node.child_by_field_name("name")
    if named is not None:
        return named
    return next((c for c in node.children if c.type in NAME_TYPES), None)


def typedef_name(node: Node) -> Node | None:
    """The declared name of a `typedef`, old (`typedef int F();`) or new (`typedef F = ...`)."""
    names = [c for c in node.children if c.type in NAME_TYPES]
    if not names:
        return None
    if any(c.type == "=" for c in node.children):
        return names[0]  # typedef Name<T> = Type;
    return names[-1]  # typedef ReturnType Name(params);


def _declaration(node: Node) -> list[Declaration]:
    kind = TYPE_DECLARATIONS.get(node.type) or SIGNATURES.get(node.type)
    if kind is not None:
        name = _first_name(node)
        return [Declaration(text_of(name), kind, name)] if name is not None else []
    if node.type == "type_alias":
        name = typedef_name(node)
        return [Declaration(text_of(name), "typedef", name)] if name is not None else []
    item_type = VARIABLE_LISTS.get(node.type)
    if item_type is None:
        return []
    found = []
    for item in node.children:
        if item.type == item_type:
            name = _first_name(item)
            if name is not None:
                found.append(Declaration(text_of(name), "variable", name))
    return found


def top_level_declarations(tree: Tree) -> list[Declaration]:
    """Every top-level declaration, private ones included, in source order."""
    found: list[Declaration] = []
    for node in tree.root_node.children:
        if node.type == "ERROR":
            # Keep what a syntax error swallowed, so one broken file does not cascade.
            for inner in node.children:
                found.extend(_declaration(inner))
        else:
            found.extend(_declaration(node))
    return found
