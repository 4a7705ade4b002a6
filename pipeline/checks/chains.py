"""Expressions as chains: a head (`Theme`, `this`, `widget`, `const Foo(...)`) and the steps
after it (`.of`, `(context)`, `.textTheme`), as tree-sitter-dart lays them out side by side."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from tree_sitter import Node, Tree

from pipeline.checks.file_query import file_pattern
from pipeline.checks.parsing import children, text_of

MEMBER_SELECTORS = frozenset({"unconditional_assignable_selector",
                              "conditional_assignable_selector"})
CONSTRUCTOR_EXPRESSIONS = frozenset({"const_object_expression", "new_expression"})


class StepKind(StrEnum):
    MEMBER = "member"  # .name or ?.name
    CALL = "call"  # (arguments)
    TYPE_ARGUMENTS = "type arguments"  # <T>
    NOT_NULL = "not null"  # !
    OTHER = "other"  # [index], anything we do not follow


@dataclass(frozen=True)
class Step:
    """One step of a chain; `node` is the member's identifier or the arguments node."""

    kind: StepKind
    node: Node

    @property
    def name(self) -> str:
        return text_of(self.node)


@dataclass(frozen=True)
class Chain:
    """`head` followed by `steps`, in source order."""

    head: Node
    steps: tuple[Step, ...]


def _step(selector: Node) -> Step:
    inner = selector if selector.type in MEMBER_SELECTORS else (
        selector.child(0) if selector.child_count else selector)
    assert inner is not None
    if inner.type in MEMBER_SELECTORS:
        name = next((c for c in children(inner) if c.type == "identifier"), None)
        if name is not None:
            return Step(StepKind.MEMBER, name)
    if inner.type == "argument_part":
        arguments = next((c for c in children(inner) if c.type == "arguments"), None)
        if arguments is not None:
            return Step(StepKind.CALL, arguments)
    if inner.type == "type_arguments":
        return Step(StepKind.TYPE_ARGUMENTS, inner)
    if inner.type == "!":
        return Step(StepKind.NOT_NULL, inner)
    return Step(StepKind.OTHER, inner)


def _is_selector(node: Node | None) -> bool:
    return node is not None and (node.type == "selector" or node.type in MEMBER_SELECTORS)


def chain_at(head: Node) -> Chain:
    """The chain that starts at `head`: the selectors that follow it as siblings."""
    steps: list[Step] = []
    following = head.next_sibling
    while _is_selector(following):
        assert following is not None
        steps.append(_step(following))
        following = following.next_sibling
    return Chain(head, tuple(steps))


STEPS = frozenset({"selector", "unconditional_assignable_selector"})
"""The steps a chain is found by (its head is the sibling before the first); the query
captures their parents, ERROR nodes named apart (the wildcard `_` never matches one)."""
PATTERN = file_pattern("chains", """
(_ [(selector) (unconditional_assignable_selector)]) @parent
(ERROR [(selector) (unconditional_assignable_selector)]) @parent
(const_object_expression) @construction
(new_expression) @construction
(relational_expression (relational_expression) (relational_operator)
  [(record_literal) (parenthesized_expression)]) @relational
""")
CALL_LIKE = frozenset({"record_literal", "parenthesized_expression"})


def _misread_call(relational: Node) -> Chain | None:
    """`Foo<T>(x: 1)` that tree-sitter-dart reads as `(Foo < T) > (x: 1)`: the grammar takes a
    generic call with one type argument and a record-like argument list for two comparisons.
    Nothing else has that shape (a bool compared with a record does not compile)."""
    inner, outer, arguments = relational.children if len(relational.children) == 3 else (
        None, None, None)
    if inner is None or outer is None or arguments is None or text_of(outer) != ">":
        return None
    parts = inner.children
    if len(parts) != 3 or parts[0].type != "identifier" or text_of(parts[1]) != "<":
        return None
    if parts[2].type not in ("identifier", "type_identifier"):
        return None
    return Chain(parts[0], (Step(StepKind.CALL, arguments),))


def chains(tree: Tree) -> Iterator[Chain]:
    """Every chain of a file with at least one step, and every `const`/`new` construction."""
    made: dict[int, Chain | Node] = {}
    """By head: the chain, or a construction whose chain is still to follow."""
    seen: set[int] = set()
    for parent in PATTERN.nodes(tree, "parent"):
        if parent.id in seen:
            continue
        seen.add(parent.id)
        # A step's head is the sibling before it: read off the parent's children, as asking
        # each step for its previous sibling costs a descent from the root.
        siblings = children(parent)
        for at in range(1, len(siblings)):
            head = siblings[at - 1]
            if siblings[at].type in STEPS and not _is_selector(head) and (
                head.type != "ERROR" and head.id not in made
            ):
                made[head.id] = _chain_in(siblings, at - 1)
    for construction in PATTERN.nodes(tree, "construction"):
        made.setdefault(construction.id, construction)
    found = [c if isinstance(c, Chain) else chain_at(c) for c in made.values()]
    found.extend(c for r in PATTERN.nodes(tree, "relational")
                 if (c := _misread_call(r)) is not None)
    yield from sorted(found, key=lambda chain: chain.head.start_byte)


def _chain_in(siblings: list[Node], at: int) -> Chain:
    """`chain_at(siblings[at])`, read off the list of its siblings."""
    steps: list[Step] = []
    after = at + 1
    while after < len(siblings) and _is_selector(siblings[after]):
        steps.append(_step(siblings[after]))
        after += 1
    return Chain(siblings[at], tuple(steps))


def arguments_of(node: Node) -> tuple[list[Node], dict[str, Node]]:
    """The positional arguments of an `arguments` node, and its named ones by label (also of
    the record or parenthesized expression a misread generic call has instead)."""
    positional: list[Node] = []
    named: dict[str, Node] = {}
    if node.type in CALL_LIKE:
        segments: list[list[Node]] = [[]]
        for child in node.children:
            if child.type == ",":
                segments.append([])
            elif child.is_named and child.type != "comment":
                segments[-1].append(child)
        for segment in segments:
            if segment and segment[0].type == "label":
                name = segment[0].named_children[0] if segment[0].named_children else None
                if name is not None:
                    named.setdefault(text_of(name), name)
            elif segment:
                positional.append(segment[0])
        return positional, named
    for child in children(node):
        if not child.is_named:
            continue
        if child.type == "argument":
            positional.append(child)
        elif child.type == "named_argument":
            label = child.named_child(0) if child.named_child_count else None
            name = label.named_child(0) if label is not None and label.named_child_count else None
            if name is not None:
                named.setdefault(text_of(name), name)
    return positional, named


def is_called(member: Node) -> bool:
    """Whether the member named by this identifier is called right away (`a.b()`)."""
    selector = member.parent.parent if member.parent is not None else None
    following = selector.next_sibling if selector is not None else None
    first = following.children[0] if following is not None and following.children else None
    return first is not None and first.type == "argument_part"


def unnamed_extension(tree: Tree) -> bool:
    """Whether a file declares `extension on T { ... }` without a name."""
    return any(node.type == "extension_declaration" and node.child_by_field_name("name") is None
               for node in tree.root_node.children)
