"""The shapes of a Dart API: libraries, their types and members, and callable signatures.

Types are written as source text (`List<Widget>?`, `ui.Color`), as the declaration spells
them; `ApiIndex.resolve` turns such a text into the type it names in a library's scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class MemberKind(StrEnum):
    FIELD = "field"
    GETTER = "getter"
    SETTER = "setter"
    METHOD = "method"
    OPERATOR = "operator"


class TypeKind(StrEnum):
    CLASS = "class"
    MIXIN = "mixin"
    ENUM = "enum"
    EXTENSION = "extension"
    EXTENSION_TYPE = "extension type"


@dataclass(frozen=True)
class Param:
    """One parameter; a positional one is required unless it sits in `[...]`.

    `origin` is "this" for `this.x`, "super" for `super.x` (their type then comes from the
    field or the super constructor where the extractor could find it), else "".
    """

    name: str
    type: str | None = None
    named: bool = False
    required: bool = True
    default: str | None = None
    origin: str = ""


@dataclass(frozen=True)
class Signature:
    """What a function, method or constructor takes and gives back (what the parameters say
    is worked out once per signature: every call of the callee asks)."""

    params: tuple[Param, ...] = ()
    returns: str | None = None
    type_params: tuple[str, ...] = ()

    @cached_property
    def positional(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if not p.named)

    @cached_property
    def named(self) -> dict[str, Param]:
        return {p.name: p for p in self.params if p.named}

    @cached_property
    def min_positional(self) -> int:
        """How many positional arguments a call must pass."""
        return sum(1 for p in self.params if not p.named and p.required)

    @cached_property
    def max_positional(self) -> int:
        """How many positional arguments a call may pass."""
        return sum(1 for p in self.params if not p.named)

    @cached_property
    def required_named(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.named and p.required)


@dataclass(frozen=True)
class Member:
    """A field, getter, setter, method or operator of a type, or a top-level function or variable.

    `type` is a field's or getter's type, a method's return type, a setter's parameter type;
    `signature` is set for methods, operators and top-level functions. `deprecated` is the
    `@Deprecated` message ("" for a bare `@deprecated`), None when not deprecated.
    """

    name: str
    kind: MemberKind
    static: bool = False
    type: str | None = None
    signature: Signature | None = None
    final: bool = False
    const: bool = False
    deprecated: str | None = None


@dataclass(frozen=True)
class Constructor:
    """A constructor; `name` is "" for the unnamed one (`Foo(...)`), else `Foo.name(...)`.

    `super_call` names the superclass constructor it calls ("" the unnamed one, implicitly so
    when it has no `super(...)` initializer), None for a factory or a redirecting constructor.
    """

    name: str
    signature: Signature
    const: bool = False
    factory: bool = False
    deprecated: str | None = None
    super_call: str | None = ""


@dataclass(frozen=True)
class TypeApi:
    """A class, mixin, enum, extension or extension type, as declared in `library`.

    `members` maps a name to what is declared under it: one member, or a getter and a setter.
    `on` holds a mixin's `on` types, or an extension's (or extension type's) one `on` type.
    """

    name: str
    kind: TypeKind
    library: str
    type_params: tuple[str, ...] = ()
    supertype: str | None = None
    mixins: tuple[str, ...] = ()
    interfaces: tuple[str, ...] = ()
    on: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    members: Mapping[str, tuple[Member, ...]] = field(default_factory=dict)
    constructors: Mapping[str, Constructor] = field(default_factory=dict)
    values: tuple[str, ...] = ()
    deprecated: str | None = None

    @property
    def abstract(self) -> bool:
        return "abstract" in self.modifiers


@dataclass(frozen=True)
class Typedef:
    """`typedef Name<T> = aliased;` (an old-style function typedef is given as its type)."""

    name: str
    aliased: str
    type_params: tuple[str, ...] = ()
    deprecated: str | None = None


@dataclass(frozen=True)
class LibraryRef:
    """An import or export of another library: its absolute URI and combinators.

    `show` is None without a `show` combinator. `uri` is absolute (`dart:`, `package:`).
    """

    uri: str
    show: tuple[str, ...] | None = None
    hide: tuple[str, ...] = ()
    prefix: str | None = None

    def admits(self, name: str) -> bool:
        if self.show is not None and name not in self.show:
            return False
        return name not in self.hide


@dataclass(frozen=True)
class LibraryApi:
    """One library (its parts included): what it declares, imports and re-exports."""

    uri: str
    types: Mapping[str, TypeApi] = field(default_factory=dict)
    functions: Mapping[str, tuple[Member, ...]] = field(default_factory=dict)
    typedefs: Mapping[str, Typedef] = field(default_factory=dict)
    imports: tuple[LibraryRef, ...] = ()
    exports: tuple[LibraryRef, ...] = ()

    def declares(self, name: str) -> bool:
        return name in self.types or name in self.functions or name in self.typedefs

    def outline(self) -> Outline:
        names = [*self.types, *self.functions, *self.typedefs]
        extensions = [n for n, t in self.types.items() if t.kind == TypeKind.EXTENSION]
        return Outline(tuple(sorted(n for n in names if not n.startswith("_"))), self.exports,
                       tuple(sorted(extensions)))


@dataclass(frozen=True)
class Outline:
    """What a library shows importers without decoding it: public names, exports, extensions."""

    names: tuple[str, ...] = ()
    exports: tuple[LibraryRef, ...] = ()
    extensions: tuple[str, ...] = ()
