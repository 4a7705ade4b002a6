"""Reading API facts off declaration nodes: type texts, parameters, `@Deprecated` messages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tree_sitter import Node

from pipeline.checks.api_model import Param, Signature
from pipeline.checks.parsing import text_of

TYPE_PARTS = frozenset({
    "type_identifier", ".", "type_arguments", "nullable_type", "function_type", "void_type",
    "record_type",
})
_STRING = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")


def squeeze(text: str) -> str:
    """Source text on one line, runs of whitespace made one space."""
    return " ".join(text.split())


def span_text(nodes: Sequence[Node]) -> str | None:
    """The source text from the first node to the last one (None when there are none)."""
    if not nodes:
        return None
    # The smallest node around both ends: slicing the whole file's text for every type made
    # a 3 MB file quadratic. Offsets are relative to that node's own start.
    around = nodes[0]
    while around.end_byte < nodes[-1].end_byte and around.parent is not None:
        around = around.parent
    source = around.text or b""
    start, end = nodes[0].start_byte - around.start_byte, nodes[-1].end_byte - around.start_byte
    return squeeze(source[start:end].decode("utf-8", "replace"))


def type_text(children: Iterable[Node]) -> str | None:
    """The declared type spelled by the first run of type nodes among `children`."""
    run: list[Node] = []
    for child in children:
        if child.type in TYPE_PARTS and (run or child.type != "."):
            run.append(child)
        elif run:
            break
    return span_text(run)


def type_list(nodes: Iterable[Node]) -> tuple[str, ...]:
    """The comma-separated types among `nodes` (an `implements` or `on` clause)."""
    found: list[str] = []
    run: list[Node] = []
    for node in [*nodes, None]:
        if node is not None and node.type in TYPE_PARTS:
            run.append(node)
            continue
        text = span_text(run)
        if text is not None:
            found.append(text)
        run = []
    return tuple(found)


def type_parameters(node: Node) -> tuple[str, ...]:
    """`<T extends Object, U>` -> ("T extends Object", "U"), the bounds kept as written."""
    found = next((c for c in node.children if c.type == "type_parameters"), None)
    if found is None:
        return ()
    return tuple(squeeze(text_of(c)) for c in found.children if c.type == "type_parameter")


def deprecation(annotations: Iterable[Node]) -> str | None:
    """The message of a `@Deprecated('...')` ("" for `@deprecated`), None when there is none."""
    for annotation in annotations:
        name = next((c for c in annotation.children if c.type == "identifier"), None)
        if name is None:
            continue
        if text_of(name) == "deprecated":
            return ""
        if text_of(name) == "Deprecated":
            arguments = next((c for c in annotation.children if c.type == "arguments"), None)
            raw = text_of(arguments) if arguments is not None else ""
            return "".join(a or b for a, b in _STRING.findall(raw))
    return None


def _parameter(node: Node, named: bool, required: bool, default: str | None) -> Param | None:
    """One `formal_parameter` node."""
    children = node.children
    inner = next((c for c in children if c.type in ("constructor_param",
                                                    "super_formal_parameter")), None)
    if inner is not None:
        name = next((c for c in reversed(inner.children) if c.type == "identifier"), None)
        origin = "this" if inner.type == "constructor_param" else "super"
        keyword = next((c for c in inner.children if c.type in ("this", "super")), None)
        declared = type_text(c for c in inner.children if keyword is None or
                             c.start_byte < keyword.start_byte)
        if name is None:
            return None
        public = text_of(name)
        if named and public.startswith("_"):
            public = public[1:]  # `{required this._x}` is passed as `x:`
        return Param(public, declared, named, required, default, origin)
    name = next((c for c in reversed(children) if c.type == "identifier"), None)
    if name is None:
        return None
    declared = type_text(c for c in children if c.start_byte < name.start_byte)
    nested = next((c for c in children if c.type == "formal_parameter_list"), None)
    if nested is not None:  # `void onTap()?`: a function-typed parameter
        nullable = "?" if any(c.type == "nullable_type" for c in children) else ""
        returns = f"{declared} " if declared else ""
        declared = f"{returns}Function{squeeze(text_of(nested))}{nullable}"
    return Param(text_of(name), declared, named, required, default)


def parameters(formal_list: Node | None) -> tuple[Param, ...]:
    """The parameters of a `formal_parameter_list`, positional then optional or named."""
    if formal_list is None:
        return ()
    found: list[Param] = []
    for child in formal_list.children:
        if child.type == "formal_parameter":
            param = _parameter(child, named=False, required=True, default=None)
            if param is not None:
                found.append(param)
        elif child.type == "optional_formal_parameters":
            found += _optional(child)
    return tuple(found)


def _optional(group: Node) -> list[Param]:
    named = any(c.type == "{" for c in group.children)
    found: list[Param] = []
    required = False
    pending: Node | None = None
    children = group.children
    for index, child in enumerate(children):
        if child.type == "required":
            required = True
        elif child.type == "formal_parameter":
            pending = child
        elif child.type in ("=", ":") and pending is not None and index + 1 < len(children):
            value = []
            for following in children[index + 1 :]:
                if following.type in (",", "}", "]"):
                    break
                value.append(following)
            param = _parameter(pending, named, named and required, span_text(value))
            found += [param] if param is not None else []
            pending, required = None, False
        elif child.type in (",", "}", "]") and pending is not None:
            param = _parameter(pending, named, named and required, None)
            found += [param] if param is not None else []
            pending, required = None, False
    return found


def signature(node: Node, returns: str | None) -> Signature:
    """A function-like signature node's parameters and type parameters."""
    formal_list = next((c for c in node.children if c.type == "formal_parameter_list"), None)
    return Signature(parameters(formal_list), returns, type_parameters(node))
