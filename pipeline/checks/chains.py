"""Expressions as chains: a head (`Theme`, `this`, `widget`, `const Foo(...)`) and the steps
after it (`.of`, `(context)`, `.textTheme`), as tree-sitter-dart lays them out side by side."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from tree_sitter import Node, Tree

from pipeline.checks.parsing import text_of, walk

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
        selector.children[0] if selector.children else selector)
    if inner.type in MEMBER_SELECTORS:
        name = next((c for c in inner.children if c.type == "identifier"), None)
        if name is not None:
            return Step(StepKind.MEMBER, name)
    if inner.type == "argument_part":
        arguments = next((c for c in inner.children if c.type == "arguments"), None)
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


def chains(tree: Tree) -> Iterator[Chain]:
    """Every chain of a file with at least one step, and every `const`/`new` construction."""
    for node in walk(tree.root_node):
        starts = not _is_selector(node) and _is_selector(node.next_sibling)
        if node.type in CONSTRUCTOR_EXPRESSIONS or (starts and node.type != "ERROR"):
            yield chain_at(node)


def arguments_of(node: Node) -> tuple[list[Node], dict[str, Node]]:
    """The positional arguments of an `arguments` node, and its named ones by label."""
    positional: list[Node] = []
    named: dict[str, Node] = {}
    for child in node.named_children:
        if child.type == "argument":
            positional.append(child)
        elif child.type == "named_argument":
            label = child.named_children[0] if child.named_children else None
            name = label.named_children[0] if label is not None and label.named_children else None
            if name is not None:
                named.setdefault(text_of(name), name)
    return positional, named
