"""The import, export and part directives of a Dart file, read from its parse tree."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tree_sitter import Node, Tree

from pipeline.checks.parsing import text_of

QUOTES = "'\""


class Kind(StrEnum):
    IMPORT = "import"
    EXPORT = "export"
    PART = "part"
    PART_OF = "part of"


@dataclass(frozen=True)
class Directive:
    """One directive; `show` is None when the directive has no `show` combinator.

    `uri` is a conditional import's default URI (where its names come from); `configured`
    holds the URIs of its `if (dart.library.x) '...'` clauses.
    """

    kind: Kind
    uri: str
    node: Node
    prefix: str | None = None
    show: frozenset[str] | None = None
    hide: frozenset[str] = frozenset()
    deferred: bool = False
    configured: tuple[str, ...] = ()

    def admits(self, name: str) -> bool:
        """Whether the combinators let `name` through."""
        if self.show is not None and name not in self.show:
            return False
        return name not in self.hide


def string_value(literal: Node) -> str:
    """The text of a plain string literal, without quotes or a raw prefix."""
    raw = text_of(literal).strip()
    if raw[:1] in "rR":
        raw = raw[1:]
    return raw.strip(QUOTES)


def _uri_of(node: Node) -> str | None:
    """The first URI under a directive (a conditional import's default URI)."""
    for child in node.children:
        if child.type == "uri":
            return string_value(child)
        if child.type == "configurable_uri":
            return _uri_of(child)
    return None


def _configured(node: Node) -> tuple[str, ...]:
    """The URIs of a conditional import's or export's `if (...)` clauses."""
    configurable = next((c for c in node.children if c.type == "configurable_uri"), None)
    if configurable is None:
        return ()
    found = []
    for clause in configurable.children:
        if clause.type == "configuration_uri":
            uri = next((c for c in clause.children if c.type == "uri"), None)
            if uri is not None:
                found.append(string_value(uri))
    return tuple(found)


def _combinators(node: Node) -> tuple[frozenset[str] | None, frozenset[str]]:
    show: set[str] | None = None
    hide: set[str] = set()
    for child in node.children:
        if child.type != "combinator" or not child.children:
            continue
        names = {text_of(c) for c in child.children if c.type == "identifier"}
        if child.children[0].type == "show":
            show = names if show is None else show & names
        else:
            hide |= names
    return (frozenset(show) if show is not None else None), frozenset(hide)


def _import(node: Node) -> Directive | None:
    spec = next((c for c in node.children if c.type == "import_specification"), None)
    if spec is None:
        return None
    uri = _uri_of(spec)
    if uri is None:
        return None
    prefix = None
    children = spec.children
    for index, child in enumerate(children):
        if child.type == "as" and index + 1 < len(children):
            prefix = text_of(children[index + 1])
    show, hide = _combinators(spec)
    deferred = any(c.type == "deferred" for c in children)
    return Directive(Kind.IMPORT, uri, node, prefix, show, hide, deferred, _configured(spec))


def _export(node: Node) -> Directive | None:
    uri = _uri_of(node)
    if uri is None:
        return None
    show, hide = _combinators(node)
    return Directive(Kind.EXPORT, uri, node, None, show, hide, configured=_configured(node))


def directives(tree: Tree) -> list[Directive]:
    """Every directive of a file, in source order."""
    found: list[Directive] = []
    for node in tree.root_node.children:
        if node.type == "import_or_export":
            for inner in node.children:
                directive = _import(inner) if inner.type == "library_import" else _export(inner)
                if directive is not None:
                    found.append(directive)
        elif node.type == "part_directive":
            uri = _uri_of(node)
            if uri is not None:
                found.append(Directive(Kind.PART, uri, node))
        elif node.type == "part_of_directive":
            uri = _uri_of(node)
            name = "".join(text_of(c) for c in node.children if c.type == "dotted_identifier_list")
            found.append(Directive(Kind.PART_OF, uri if uri is not None else name, node))
    return found


def library_name(tree: Tree) -> str | None:
    """The dotted name of a `library a.b;` directive, if the file has one."""
    for node in tree.root_node.children:
        if node.type == "library_name":
            for child in node.children:
                if child.type == "dotted_identifier_list":
                    return text_of(child)
    return None
