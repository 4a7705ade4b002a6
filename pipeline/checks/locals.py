"""What a name means inside one member body: the locals and parameters that declare it.

A member (a method, a function, a constructor, a field initializer) is judged as one region:
every declaration of a name anywhere in it (parameters, locals, closures' parameters, loop and
catch variables, patterns) must agree on one written type, or the name's type is not evident.
That is stricter than Dart's block scoping, and never wrong where it gives an answer.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from tree_sitter import Node, Tree

from pipeline.checks.file_query import any_of, file_pattern
from pipeline.checks.parsing import text_of

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
NONE: frozenset[str] = frozenset()
"""What most members have in type parameters and promoted names (one set, not one each)."""

PATTERN = file_pattern("locals", "\n".join((
    "(type_parameter) @parameter",
    "[(type_test_expression) (type_cast_expression)] @tested",
    '(if_statement (identifier) @scrutinee . "case")',
    "[(switch_statement) (switch_expression)] @switch",
    any_of(MEMBER_HOSTS, "host"))))
"""Type parameters, the names a member tests or casts (`x is T`, `x as T`, `if (x case ...)`,
`switch (x)`: flow analysis may promote those, so their type is not the declared one
everywhere), and the nodes members sit in; the declarations are the ones `usages` finds."""


class Region:
    """The nodes of one member, the type declaration around it (if any), what the member
    declares by name, and the type parameters in scope."""

    def __init__(self, nodes: tuple[Node, ...], owner: Node | None,
                 declared: dict[str, list[Node]], type_parameters: frozenset[str],
                 promoted: frozenset[str]) -> None:
        self.nodes = nodes
        self.owner = owner
        self._declared = declared
        self.type_parameters = type_parameters
        self.promoted = promoted
        """Names a type test, cast or pattern match in this member may promote."""

    def declarations(self, name: str) -> list[Node]:
        """The nodes that declare `name` anywhere in this member."""
        return self._declared.get(name, [])


def _climb(node: Node) -> tuple[Node, Node] | None:
    """The member around `node` and its host, found by asking for parents."""
    current = node
    parent = current.parent
    while parent is not None and parent.type not in MEMBER_HOSTS:
        current, parent = parent, parent.parent
    return None if parent is None else (current, parent)


def _parts(siblings: list[Node], at: int) -> list[Node]:
    """The nodes of the member `siblings[at]`: a function's signature and body are two
    siblings (the named ones next to each other, comments and annotations aside before a
    body)."""
    member = siblings[at]
    if member.type == "function_body":
        for before in range(at - 1, -1, -1):
            signature = siblings[before]
            if signature.is_named and signature.type not in ("comment", "annotation"):
                return [signature, member]
    elif member.type in SIGNATURE_HOSTS:
        for after in range(at + 1, len(siblings)):
            if siblings[after].is_named:
                body = siblings[after]
                return [member, body] if body.type == "function_body" else [member]
    return [member]


class _Members:
    """Which member of a file a node sits in, found from byte spans.

    A node's parent is found by a descent from the root, so climbing from every name to its
    member paid a descent per step; instead the member hosts (the file, class-like bodies) are
    listed once, and a node lies in the innermost host whose span holds it (siblings never
    overlap), in the host's child whose span holds it. Where spans cannot tell (a node that
    spans nothing or exactly what a host spans), the parents are asked.
    """

    def __init__(self, tree: Tree) -> None:
        hosts = sorted(PATTERN.nodes(tree, "host"), key=lambda n: (n.start_byte, -n.end_byte))
        spans = [(h.start_byte, h.end_byte) for h in hosts]
        self._exact = len(set(spans)) == len(spans) and all(s < e for s, e in spans)
        self._hosts = hosts
        self._starts = [s for s, _ in spans]
        self._ends = [e for _, e in spans]
        self._enclosing: list[int] = []
        """The index of the innermost host around each host, -1 for none."""
        open_hosts: list[int] = []
        for index, end in enumerate(self._ends):
            while open_hosts and self._ends[open_hosts[-1]] < end:
                open_hosts.pop()
            self._enclosing.append(open_hosts[-1] if open_hosts else -1)
            open_hosts.append(index)
        self._children: dict[int, tuple[list[Node], list[int], list[int]]] = {}
        self._found: dict[tuple[int, int], tuple[list[Node], Node]] = {}

    def of(self, node: Node) -> tuple[list[Node], Node] | None:
        """The nodes of the member around `node` (signature and body), and their host."""
        start, end = node.start_byte, node.end_byte
        if not self._exact or start == end:
            return self._asked(node)
        index = bisect_right(self._starts, start) - 1
        while index >= 0 and self._ends[index] < end:
            index = self._enclosing[index]
        if index < 0:
            return None
        if self._starts[index] == start and self._ends[index] == end:
            return self._asked(node)
        if index not in self._children:
            children = self._hosts[index].children
            self._children[index] = (children, [c.start_byte for c in children],
                                     [c.end_byte for c in children])
        children, starts, ends = self._children[index]
        at = bisect_right(starts, start) - 1
        if at < 0 or ends[at] < end:
            return self._asked(node)
        found = self._found.get((index, at))
        if found is None:
            found = self._found[index, at] = _parts(children, at), self._hosts[index]
        return found

    @staticmethod
    def _asked(node: Node) -> tuple[list[Node], Node] | None:
        found = _climb(node)
        if found is None:
            return None
        member, host = found
        siblings = host.children
        return _parts(siblings, siblings.index(member)), host


def _key(parts: list[Node]) -> tuple[int, int]:
    return parts[0].start_byte, parts[-1].end_byte


class Regions:
    """The members of one file, with what each declares: one query over the file, not one
    walk per member (a 3 MB file of constants has tens of thousands of members)."""

    def __init__(self, tree: Tree, declaring: list[tuple[Node, list[str]]]) -> None:
        """`declaring`: the file's declaring nodes and their names (`FileNames.declaring`)."""
        self._declared: dict[tuple[int, int], dict[str, list[Node]]] = {}
        self._parameters: dict[tuple[int, int], set[str]] = {}
        self._promoted: dict[tuple[int, int], set[str]] = {}
        self._seen: dict[tuple[int, int], Region] = {}
        self._members = _Members(tree)
        for node, declared in declaring:
            member = self._members.of(node)
            if member is None:
                continue
            names = self._declared.setdefault(_key(member[0]), {})
            for name in declared:
                names.setdefault(name, []).append(node)
        for node in PATTERN.nodes(tree, "parameter"):
            first = next((c for c in node.children if c.type == "type_identifier"), None)
            list_node = node.parent
            owner = list_node.parent if list_node is not None else None
            if first is None or owner is None:
                continue
            if owner.type in TYPE_OWNERS:
                key = (-1 - owner.start_byte, owner.end_byte)  # the type's own parameters
            else:
                member = self._members.of(node)
                if member is None:
                    continue
                key = _key(member[0])
            self._parameters.setdefault(key, set()).add(text_of(first))

        tested = [*PATTERN.nodes(tree, "scrutinee")]
        for node in PATTERN.nodes(tree, "tested"):
            tested.extend(node.named_children[:1])
        for node in PATTERN.nodes(tree, "switch"):
            condition = node.child_by_field_name("condition")
            tested.extend(condition.named_children[:1] if condition is not None else ())
        for node in tested:
            member = self._members.of(node)
            following = node.next_named_sibling
            if following is not None and following.type == "selector":
                continue  # `x.y is T`, `switch (widget.order)`: only a lone local is promoted
            if member is not None and node.type == "identifier":
                self._promoted.setdefault(_key(member[0]), set()).add(text_of(node))

    def of(self, node: Node) -> Region | None:
        """The member `node` sits in; None outside any member."""
        member = self._members.of(node)
        if member is None:
            return None
        parts, host = member
        key = _key(parts)
        if key not in self._seen:
            owner = host.parent if host.type != "program" else None
            if owner is not None and owner.type not in TYPE_OWNERS:
                owner = None
            parameters = set(self._parameters.get(key, ()))
            if owner is not None:
                parameters |= self._parameters.get((-1 - owner.start_byte, owner.end_byte), set())
            promoted = self._promoted.get(key)
            self._seen[key] = Region(tuple(parts), owner, self._declared.get(key, {}),
                                     frozenset(parameters) if parameters else NONE,
                                     frozenset(promoted) if promoted else NONE)
        return self._seen[key]


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


def _inside(node: Node, scope: Node) -> bool:
    current: Node | None = node
    while current is not None:
        if current == scope:
            return True
        current = current.parent
    return False


def _covers(declaration: Node, use: Node) -> bool:
    """Whether a declaration may be the one `use` names: a local only from where it is
    declared to the end of its block, a closure's parameter only inside the closure; any
    other declaration (member parameters, patterns, catch and loop variables) is assumed to."""
    if declaration.type == "initialized_variable_definition":
        holder = declaration.parent
        scope = holder.parent if holder is not None else None
        if holder is None or scope is None or holder.type not in (
            "local_variable_declaration", "for_loop_parts"
        ):
            return True
        return declaration.start_byte <= use.start_byte and _inside(use, scope)
    if declaration.type == "formal_parameter":
        current = declaration.parent
        while current is not None and current.type != "formal_parameter_list":
            current = current.parent
        function = current.parent if current is not None else None
        if function is not None and function.type == "function_expression":
            return _inside(use, function)
    return True


def local_type(region: Region, name: str, use: Node) -> Declared | Literal[False] | None:
    """How the member declares the `name` used at `use`: one agreed declaration, None when its
    declarations in scope do not give one evident type, False when none is in scope."""
    if name in region.promoted:
        return None
    declarations = [d for d in region.declarations(name) if _covers(d, use)]
    if not declarations:
        return False
    found = {declared_as(d, name) for d in declarations}
    if len(found) != 1:
        return None
    [only] = found
    if isinstance(only, Inferred) and len(declarations) > 1:
        return None
    return only
