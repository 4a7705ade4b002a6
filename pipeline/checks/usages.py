"""The names a Dart file uses as types, constructors and values, and the names it declares."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter

from tree_sitter import Node, Tree

from pipeline.checks.declarations import typedef_name
from pipeline.checks.file_query import any_of, file_pattern
from pipeline.checks.parsing import children, text_of

CLASS_BODIES = frozenset({"class_body", "extension_body", "enum_body"})
NOT_REFERENCES = frozenset({
    "unconditional_assignable_selector", "conditional_assignable_selector", "cascade_selector",
    "label", "dotted_identifier_list", "library_name", "combinator",
    "import_specification", "part_of_directive", "enum_constant", "object_pattern",
    "record_pattern", "symbol_literal", "dot_shorthand", "uri_test", "scoped_identifier",
    "type_parameter",
})
"""Parents whose identifiers are members, labels, directives or declarations, not references."""
NO_IDENTIFIER_CHILD = frozenset({"library_name", "part_of_directive", "type_parameter", "uri_test"})
"""Of those, the ones the grammar never gives an identifier child (a query asking for one is
refused as impossible; their names sit deeper)."""
MEMBER_ACCESS = frozenset({".", "?.", "..", "?..", "!."})
NAMED_DECLARATIONS = frozenset({
    "initialized_variable_definition", "formal_parameter", "function_signature",
    "getter_signature", "setter_signature", "class_definition", "enum_declaration",
    "enum_constant", "mixin_declaration", "extension_declaration",
    "extension_type_declaration", "representation_declaration", "for_loop_parts",
})
FIRST_NAME_DECLARATIONS = frozenset({
    "initialized_identifier", "static_final_declaration", "type_parameter",
})
ALL_NAME_DECLARATIONS = frozenset({
    "constructor_param", "super_formal_parameter", "typed_identifier", "variable_pattern",
    "catch_parameters", "object_pattern", "record_pattern", "formal_parameter", "mixin_declaration",
})
CONSTRUCTOR_SIGNATURES = frozenset({
    "constructor_signature", "constant_constructor_signature", "factory_constructor_signature",
    "redirecting_factory_constructor_signature",
})
"""Only a named constructor's own name (after the dot) is declared; the class name is a use."""
PATTERN_HOSTS = frozenset({"pattern_variable_declaration", "pattern_assignment", "for_loop_parts"})
DECLARING_KINDS = (NAMED_DECLARATIONS | FIRST_NAME_DECLARATIONS | ALL_NAME_DECLARATIONS
                   | CONSTRUCTOR_SIGNATURES | PATTERN_HOSTS | {"type_alias"})
"""Every node type `declared_by` can find a declared name in."""
NAME_TYPES = ("identifier", "type_identifier")
BLANKS = frozenset(b" \t\n\r\x0b\x0c")
"""The ASCII white space tree-sitter-dart skips between tokens (any other blank is not ASCII)."""
SPAN = attrgetter("start_byte", "end_byte")
DOT = ord(".")
NON_ASCII = 0x80
PATTERN = file_pattern("usages", "\n".join((
    any_of(NAME_TYPES, "name"), "(import_specification) @import",
    any_of(DECLARING_KINDS, "declaring"), any_of(CLASS_BODIES, "body"),
    "(unconditional_assignable_selector (identifier) @selected)",
    "(annotation (identifier) @annotated)",
    "[" + " ".join(f"({kind} (identifier) @unreferenced)"
                   for kind in sorted(NOT_REFERENCES - NO_IDENTIFIER_CHILD)) + "]")))


class Use(StrEnum):
    TYPE = "type"
    CALL = "call"  # Name(...) or Name<T>(...)
    STATIC = "static"  # Name.member
    VALUE = "value"
    PREFIX = "prefix"  # prefix.Name, where `prefix` is not an import prefix of the file


@dataclass(frozen=True)
class Reference:
    """An unqualified name the file uses, and whether that use sits inside a class body."""

    name: str
    node: Node
    use: Use
    in_class: bool


@dataclass(frozen=True)
class MemberUse:
    """`receiver.member` where the receiver is a plain identifier (e.g. `context.watch`)."""

    receiver: str
    member: str
    node: Node


@dataclass
class FileNames:
    """What one file declares at any depth, the prefixes it imports under, and what it uses."""

    declared: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    references: list[Reference] = field(default_factory=list)
    members: list[MemberUse] = field(default_factory=list)
    declaring: list[tuple[Node, list[str]]] = field(default_factory=list)
    """Each node that declares names (`declared_by`), with the names it declares."""


def declared_by(node: Node) -> list[Node]:
    """The identifiers a node declares (a variable, a parameter, a named constructor...)."""
    kind = node.type
    names: list[Node] = []
    if kind in NAMED_DECLARATIONS:
        named = node.child_by_field_name("name")
        if named is not None:
            names.append(named)
    if kind in FIRST_NAME_DECLARATIONS:
        value = node.child_by_field_name("value")
        first = node.child(0) if node.child_count else None  # nearly always the name
        if first is not None and first.type not in NAME_TYPES:
            first = next((c for c in children(node) if c.type in NAME_TYPES), None)
        if first is not None and first != value:
            names.append(first)
    if kind in ALL_NAME_DECLARATIONS:
        names.extend(c for c in children(node) if c.type == "identifier")
    if kind == "type_alias":
        alias = typedef_name(node)
        if alias is not None:
            names.append(alias)
    if kind in CONSTRUCTOR_SIGNATURES:
        names.extend(c for c in children(node) if c.type == "identifier" and _is_member_access(c))
    if kind in PATTERN_HOSTS:
        names.extend(_pattern_variables(node))
    return names


def _pattern_variables(host: Node) -> list[Node]:
    """Identifiers bound by a declaring pattern: `final (a, b) = ...`, `for (final (k, v) in`."""
    found: list[Node] = []
    stack = [c for c in host.children if c.type.endswith("_pattern")]
    while stack:
        node = stack.pop()
        if node.type == "identifier" and node.parent is not None and (
            node.parent.type == "constant_pattern"
        ):
            found.append(node)
        stack.extend(node.children)
    return found


def _is_member_access(node: Node) -> bool:
    previous = node.prev_sibling
    return previous is not None and previous.type in MEMBER_ACCESS


def _use_of(node: Node) -> Use:
    following = node.next_named_sibling
    if following is None or following.type != "selector":
        return Use.VALUE
    first = following.children[0] if following.children else None
    if first is not None and first.type == "argument_part":
        return Use.CALL
    member = first.named_children[-1] if first is not None and first.named_children else None
    if member is not None and _looks_prefixed(text_of(node), text_of(member)):
        return Use.PREFIX
    return Use.STATIC


def _looks_prefixed(name: str, member: str) -> bool:
    """`http.Client`: a lower-case receiver with an upper-case member is an import prefix."""
    return name[:1].islower() and member[:1].isupper()


def _is_prefix(node: Node, name: str, prefixes: set[str]) -> bool:
    if name not in prefixes:
        return False
    following = node.next_sibling
    return following is not None and (following.type == "." or following.type == "selector")


def collect(tree: Tree) -> FileNames:
    """What the file declares at any depth and imports under a prefix, then the uses of names
    it does not declare."""
    names = FileNames()
    for specification in PATTERN.nodes(tree, "import"):
        prefix = next((c for c in specification.children if c.type == "identifier"), None)
        if prefix is not None:
            names.prefixes.add(text_of(prefix))
    for node in PATTERN.nodes(tree, "declaring"):
        texts = [text_of(declared) for declared in declared_by(node)]
        names.declared.update(texts)
        names.declaring.append((node, texts))
    context = _Context(tree)
    # In source order (a query returns them in its own order), as a walk of the tree meets them.
    for node in sorted(PATTERN.nodes(tree, "name"), key=SPAN):
        reference = _reference(node, context, names)
        if reference is not None:
            names.references.append(reference)
    return names


class _Context:
    """What the query saw around each name of a file: the kind of its parent (asking a node
    for its parent costs a descent from the root) and whether it sits in a class body."""

    def __init__(self, tree: Tree) -> None:
        self.selected = {n.id for n in PATTERN.nodes(tree, "selected")}
        """Names right after a dot: `x.name` (the parent is an assignable selector)."""
        self.annotated = {n.id for n in PATTERN.nodes(tree, "annotated")}
        self.unreferenced = {n.id for n in PATTERN.nodes(tree, "unreferenced")}
        """Identifiers whose parent is one of NOT_REFERENCES."""
        root = tree.root_node
        self._source = root.text or b""
        self._offset = root.start_byte
        self._starts: list[int] = []
        self._ends: list[int] = []
        bodies = PATTERN.nodes(tree, "body")
        for body in sorted(bodies, key=lambda n: (n.start_byte, -n.end_byte)):
            if self._ends and body.end_byte <= self._ends[-1]:
                continue  # inside the body before it
            self._starts.append(body.start_byte)
            self._ends.append(body.end_byte)

    def after_dot(self, node: Node) -> bool:
        """Whether the node may follow a member access (`a.b`, `a?.b`, `a..b`): its previous
        sibling is one only if the text before it, blanks aside, ends with a dot (a sibling's
        own text ends where blanks begin; comments are nodes). Text alone cannot say that it
        does: the dot may belong to another node."""
        at = node.start_byte - self._offset - 1
        while at >= 0 and self._source[at] in BLANKS:
            at -= 1
        return at >= 0 and (self._source[at] == DOT or self._source[at] >= NON_ASCII)

    def in_class(self, node: Node) -> bool:
        """Whether a class body is among the node's ancestors."""
        if node.start_byte == node.end_byte:
            # A name the parser inserted spans nothing: only its ancestors can tell.
            parent = node.parent
            while parent is not None and parent.type not in CLASS_BODIES:
                parent = parent.parent
            return parent is not None
        # Siblings never overlap, so a node that spans something inside a body's span is in it.
        at = bisect_right(self._starts, node.start_byte) - 1
        return at >= 0 and node.end_byte <= self._ends[at]


def _member_use(node: Node) -> MemberUse | None:
    """`context.watch`: a member selected directly on a plain identifier."""
    selector = node.parent.parent if node.parent is not None else None
    if selector is None or selector.type != "selector":
        return None
    receiver = selector.prev_named_sibling
    if receiver is None or receiver.type != "identifier":
        return None
    return MemberUse(text_of(receiver), text_of(node), node)


def _reference(node: Node, context: _Context, names: FileNames) -> Reference | None:
    key = node.id
    if key in context.selected:
        member = _member_use(node)
        if member is not None:
            names.members.append(member)
        return None
    if key in context.unreferenced:
        return None
    name = text_of(node)
    if name in names.declared or (context.after_dot(node) and _is_member_access(node)):
        return None
    if _is_prefix(node, name, names.prefixes):
        return None
    # `@immutable`, `@JsonSerializable()`: top-level constants, judged like top-level code.
    in_class = context.in_class(node) and not (
        key in context.annotated and node.prev_sibling is not None)
    if node.type == "type_identifier":
        # `WidgetStateColor.resolveWith`: a capitalised name before a dot is a type, not a prefix.
        following = node.next_sibling if name[:1].islower() else None
        prefixed = following is not None and following.type == "."
        return Reference(name, node, Use.PREFIX if prefixed else Use.TYPE, in_class)
    return Reference(name, node, _use_of(node), in_class)
