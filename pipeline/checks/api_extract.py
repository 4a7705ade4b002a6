"""The extractor: one library's parse trees (the library file, then its parts) -> LibraryApi.

Used for SDK sources and for a project's own files alike. Private members and constructors
are left out unless asked for; private types stay (public types inherit from them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from tree_sitter import Node, Tree

from pipeline.checks.api_model import (
    Constructor,
    LibraryApi,
    LibraryRef,
    Member,
    MemberKind,
    Param,
    Signature,
    TypeApi,
    Typedef,
    TypeKind,
)
from pipeline.checks.api_syntax import (
    TYPE_PARTS,
    deprecation,
    parameters,
    signature,
    type_list,
    type_parameters,
    type_text,
)
from pipeline.checks.declarations import typedef_name
from pipeline.checks.directives import Kind, directives
from pipeline.checks.parsing import text_of

TYPE_KINDS = {
    "class_definition": TypeKind.CLASS,
    "mixin_declaration": TypeKind.MIXIN,
    "enum_declaration": TypeKind.ENUM,
    "extension_declaration": TypeKind.EXTENSION,
    "extension_type_declaration": TypeKind.EXTENSION_TYPE,
}
CONSTRUCTORS = frozenset({
    "constructor_signature", "constant_constructor_signature", "factory_constructor_signature",
    "redirecting_factory_constructor_signature",
})
VARIABLE_LISTS = frozenset({
    "initialized_identifier_list", "static_final_declaration_list", "identifier_list",
})
MODIFIERS = ("abstract", "base", "final", "interface", "sealed", "mixin")
BODIES = ("class_body", "enum_body", "extension_body")

Members = dict[str, tuple[Member, ...]]


def _add(members: Members, member: Member) -> None:
    members[member.name] = (*members.get(member.name, ()), member)


def _identifier(node: Node, after: str | None = None) -> str | None:
    """The first identifier child (after the child of type `after`, when given)."""
    seen = after is None
    for child in node.children:
        if seen and child.type == "identifier":
            return text_of(child)
        seen = seen or child.type == after
    return None


def _callable(node: Node, static: bool, deprecated: str | None) -> Member | None:
    """A function, getter, setter or operator signature node."""
    children = node.children
    if node.type == "getter_signature":
        name = _identifier(node, after="get")
        returns = type_text(children)
        kind = MemberKind.GETTER
        sig = None
    elif node.type == "setter_signature":
        name = _identifier(node, after="set")
        sig = signature(node, type_text(children))
        returns = sig.params[0].type if sig.params else None
        kind, sig = MemberKind.SETTER, None
    elif node.type == "operator_signature":
        start = next(i for i, c in enumerate(children) if c.type == "operator")
        end = next((i for i, c in enumerate(children) if c.type == "formal_parameter_list"),
                   len(children))
        name = "".join(text_of(c) for c in children[start + 1 : end])
        returns = type_text(children[:start])
        kind, sig = MemberKind.OPERATOR, signature(node, returns)
    else:
        name_node = next((c for c in children if c.type == "identifier"), None)
        name = text_of(name_node) if name_node is not None else None
        returns = type_text(c for c in children if name_node is None or c.start_byte <
                            name_node.start_byte)
        kind, sig = MemberKind.METHOD, signature(node, returns)
    if not name:
        return None
    return Member(name, kind, static, returns, sig, deprecated=deprecated)


def _fields(children: Sequence[Node], static: bool, deprecated: str | None) -> list[Member]:
    """`final int a = 1, b;` and the like: one member per declared name."""
    declared = type_text(children)
    final = any(c.type == "final_builtin" for c in children)
    const = any(c.type == "const_builtin" for c in children)
    found: list[Member] = []
    for child in children:
        items: list[Node] = []
        if child.type in VARIABLE_LISTS:
            items = [c for c in child.children if c.type != ","]
        elif child.type == "identifier":
            items = [child]
        for item in items:
            name = text_of(item) if item.type == "identifier" else _identifier(item)
            if name:
                found.append(Member(name, MemberKind.FIELD, static, declared, None, final or
                                    const, const, deprecated))
    return found


def _constructor(node: Node, initializers: Node | None, deprecated: str | None) -> Constructor:
    children = node.children
    names = [text_of(c) for c in children if c.type == "identifier"]
    factory = any(c.type == "factory" for c in children)
    redirect = node.type == "redirecting_factory_constructor_signature" or (
        initializers is not None and any(_calls(e, "this") for e in initializers.children))
    super_call: str | None = None if factory or redirect else ""
    if initializers is not None and super_call is not None:
        for entry in initializers.children:
            if _calls(entry, "super"):
                super_call = _identifier(entry) or ""
    return Constructor(
        names[1] if len(names) > 1 else "",
        Signature(parameters(next((c for c in children if c.type == "formal_parameter_list"),
                                  None))),
        const=any(c.type == "const_builtin" for c in children),
        factory=factory,
        deprecated=deprecated,
        super_call=super_call,
    )


def _calls(entry: Node, keyword: str) -> bool:
    """Whether an initializer entry is `super(...)`/`super.x(...)` (or `this(...)`)."""
    return entry.type == "initializer_list_entry" and bool(entry.children) and (
        entry.children[0].type == keyword) and any(c.type == "arguments" for c in entry.children)


class _Body:
    """What one class, mixin, enum or extension body declares."""

    def __init__(self, private: bool) -> None:
        self.private = private
        self.members: Members = {}
        self.constructors: dict[str, Constructor] = {}
        self.any_constructor = False
        self.values: list[str] = []
        self.value_deprecations: dict[str, str | None] = {}
        self.fields: Members = {}  # private fields: not indexed, but they type `this._x`

    def hidden(self, name: str) -> bool:
        return name.startswith("_") and not self.private

    def read(self, body: Node) -> None:
        annotations: list[Node] = []
        for child in body.children:
            if child.type == "annotation":
                annotations.append(child)
            elif child.type in ("declaration", "method_signature"):
                self._declaration(child, deprecation(annotations))
                annotations = []
            elif child.type == "enum_constant":
                name = _identifier(child)
                if name:
                    self.values.append(name)
                    inner = [c for c in child.children if c.type == "annotation"]
                    self.value_deprecations[name] = deprecation([*annotations, *inner])
                annotations = []
            elif child.type in (";", "function_body"):
                annotations = []

    def _declaration(self, node: Node, deprecated: str | None) -> None:
        children = node.children
        static = any(c.type == "static" for c in children)
        for child in children:
            if child.type in CONSTRUCTORS:
                self.any_constructor = True
                initializers = next((c for c in children if c.type == "initializers"), None)
                made = _constructor(child, initializers, deprecated)
                if not self.hidden(made.name):
                    self.constructors[made.name] = made
                return
            if child.type in ("function_signature", "getter_signature", "setter_signature",
                              "operator_signature"):
                member = _callable(child, static, deprecated)
                if member is not None and not self.hidden(member.name):
                    _add(self.members, member)
                return
        for member in _fields(children, static, deprecated):
            _add(self.fields if self.hidden(member.name) else self.members, member)


def _header_types(node: Node, clause: str) -> tuple[str, ...]:
    """The types of a `mixins` or `interfaces` clause, wherever the grammar nests it."""
    for child in node.children:
        if child.type == clause:
            return type_list(child.children)
        if child.type == "superclass":
            nested = _header_types(child, clause)
            if nested:
                return nested
    return ()


def _on_types(node: Node) -> tuple[str, ...]:
    children = node.children
    start = next((i for i, c in enumerate(children) if c.type == "on"), None)
    if start is None:
        return ()
    run = []
    for child in children[start + 1 :]:
        if child.type not in TYPE_PARTS and child.type != ",":
            break
        run.append(child)
    return type_list(run)


def _mixin_application(node: Node, application: Node, library: str,
                       deprecated: str | None) -> TypeApi | None:
    """`class A = B with M implements I;` (its constructors are B's, not indexed)."""
    name = _identifier(application)
    parts = next((c for c in application.children if c.type == "mixin_application"), None)
    if name is None or parts is None:
        return None
    modifiers = tuple(m for m in MODIFIERS if any(c.type == m for c in node.children))
    annotations = [c for c in node.children if c.type == "annotation"]
    return TypeApi(
        name, TypeKind.CLASS, library, type_parameters(application), type_text(parts.children),
        _header_types(parts, "mixins"), _header_types(parts, "interfaces"), (), modifiers,
        deprecated=deprecation(annotations) if deprecated is None else deprecated,
    )


def _type(node: Node, library: str, deprecated: str | None, private: bool) -> TypeApi | None:
    kind = TYPE_KINDS[node.type]
    application = next((c for c in node.children if c.type == "mixin_application_class"), None)
    if application is not None:
        return _mixin_application(node, application, library, deprecated)
    name = _identifier(node)
    if name is None:
        return None  # an unnamed extension: its members apply, but nothing can name it
    body = _Body(private)
    for child in node.children:
        if child.type in BODIES:
            body.read(child)
    superclass = next((c for c in node.children if c.type == "superclass"), None)
    supertype = type_text(superclass.children) if superclass is not None else None
    if kind == TypeKind.EXTENSION_TYPE:
        _representation(node, body)
    if kind == TypeKind.CLASS and not body.any_constructor:
        body.constructors[""] = Constructor("", Signature(), super_call="")
    if kind == TypeKind.ENUM:
        _add(body.members, Member("values", MemberKind.GETTER, True, f"List<{name}>"))
        for value in body.values:  # each value is a static const field of the enum
            _add(body.members, Member(value, MemberKind.FIELD, True, name, final=True,
                                      const=True, deprecated=body.value_deprecations[value]))
    fields = {**body.fields, **body.members}
    constructors = {n: _typed_fields(c, fields) for n, c in body.constructors.items()}
    modifiers = tuple(m for m in MODIFIERS if any(c.type == m for c in node.children)
                      and not (kind == TypeKind.MIXIN and m == "mixin"))
    annotations = [c for c in node.children if c.type == "annotation"]
    return TypeApi(
        name, kind, library, type_parameters(node), supertype,
        _header_types(node, "mixins"), _header_types(node, "interfaces"), _on_types(node),
        modifiers, body.members, constructors, tuple(body.values),
        deprecation(annotations) if deprecated is None else deprecated,
    )


def _representation(node: Node, body: _Body) -> None:
    """An extension type's `(Type name)`: its field and its constructor."""
    rep = next((c for c in node.children if c.type == "representation_declaration"), None)
    if rep is None:
        return
    names = [text_of(c) for c in rep.children if c.type == "identifier"]
    field = names[-1] if names else None
    declared = type_text(rep.children)
    constructor = names[0] if len(names) > 1 else ""
    if field is not None and not body.hidden(field):
        _add(body.members, Member(field, MemberKind.FIELD, type=declared, final=True))
    if not body.hidden(constructor):
        param = Signature((Param(field or "value", declared),))
        body.constructors.setdefault(constructor, Constructor(constructor, param,
                                                              super_call=None))
    body.any_constructor = True


def _typed_fields(constructor: Constructor, members: Members) -> Constructor:
    """`this.x` parameters take the type of the field `x`."""
    params = []
    for param in constructor.signature.params:
        if param.origin == "this" and param.type is None:
            field = next((m for m in members.get(param.name, ()) if m.kind == MemberKind.FIELD),
                         None)
            if field is not None:
                param = replace(param, type=field.type)
        params.append(param)
    return replace(constructor, signature=replace(constructor.signature, params=tuple(params)))


class _Library:
    """Collects one library's top-level declarations across its files."""

    def __init__(self, uri: str, private: bool) -> None:
        self.uri = uri
        self.private = private
        self.types: dict[str, TypeApi] = {}
        self.functions: Members = {}
        self.typedefs: dict[str, Typedef] = {}

    def read(self, root: Node) -> None:
        annotations: list[Node] = []
        pending: list[Node] = []
        for child in root.children:
            if child.type == "ERROR":
                self.read(child)  # keep what a syntax error swallowed
                annotations, pending = [], []
            elif child.type == "annotation":
                annotations.append(child)
            elif child.type in TYPE_KINDS:
                made = _type(child, self.uri, deprecation(annotations) if annotations else None,
                             self.private)
                if made is not None:
                    self.types[made.name] = made
                annotations, pending = [], []
            elif child.type == "type_alias":
                self._typedef(child, deprecation(annotations))
                annotations, pending = [], []
            elif child.type in ("function_signature", "getter_signature", "setter_signature"):
                member = _callable(child, True, deprecation(annotations))
                if member is not None and (self.private or not member.name.startswith("_")):
                    _add(self.functions, member)
                annotations, pending = [], []
            elif child.type in VARIABLE_LISTS:
                for member in _fields([*pending, child], True, deprecation(annotations)):
                    if self.private or not member.name.startswith("_"):
                        _add(self.functions, member)
                annotations, pending = [], []
            elif child.type in (";", "function_body"):
                annotations, pending = [], []
            else:
                pending.append(child)

    def _typedef(self, node: Node, deprecated: str | None) -> None:
        name_node = typedef_name(node)
        if name_node is None:
            return
        children = node.children
        if any(c.type == "=" for c in children):
            start = next(i for i, c in enumerate(children) if c.type == "=")
            aliased = type_text(children[start + 1 :])
        else:  # typedef int Name(String s);
            returns = type_text(c for c in children if c.start_byte < name_node.start_byte)
            formal = next((c for c in children if c.type == "formal_parameter_list"), None)
            aliased = f"{returns + ' ' if returns else ''}Function{text_of(formal)}" if (
                formal is not None) else None
        if aliased is not None:
            name = text_of(name_node)
            self.typedefs[name] = Typedef(name, aliased, type_parameters(node), deprecated)


def library_api(uri: str, trees: Sequence[Tree], absolute: Callable[[str], str | None],
                private: bool = False) -> LibraryApi:
    """The API of the library `uri` whose file parses to `trees[0]` and its parts to the rest.

    `absolute` turns an import or export URI as written into an absolute one (None: unknown).
    `private` keeps private members, constructors and top-level functions too (what the
    library's own code may use, for a project's files).
    """
    library = _Library(uri, private)
    for tree in trees:
        library.read(tree.root_node)
    imports: list[LibraryRef] = []
    exports: list[LibraryRef] = []
    for directive in directives(trees[0]) if trees else []:
        if directive.kind not in (Kind.IMPORT, Kind.EXPORT):
            continue
        target = absolute(directive.uri)
        if target is None:
            continue
        show = tuple(sorted(directive.show)) if directive.show is not None else None
        ref = LibraryRef(target, show, tuple(sorted(directive.hide)), directive.prefix)
        (imports if directive.kind == Kind.IMPORT else exports).append(ref)
    return LibraryApi(uri, library.types, library.functions, library.typedefs, tuple(imports),
                      tuple(exports))
