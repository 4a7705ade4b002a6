"""The static type of an expression where it is evident, and None everywhere else.

Evident: a type named as a value (`Colors`), a constructor call, a typed local, parameter or
field, `this`, and chains of declared types from those (`Theme.of(context).textTheme`). Not
evident: anything `dynamic`, from a library the index does not know, or an inferred generic we
cannot follow (a member typed `T` where `T` is not bound by a written type argument).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from tree_sitter import Node

from pipeline.checks.api_index import ApiIndex, base_name
from pipeline.checks.api_model import (
    Constructor,
    LibraryRef,
    Member,
    MemberKind,
    Signature,
    TypeApi,
    TypeKind,
)
from pipeline.checks.chains import Chain, Step, StepKind, arguments_of, chain_at
from pipeline.checks.locals import (
    FieldParameter,
    Inferred,
    Region,
    Regions,
    Written,
    local_type,
)
from pipeline.checks.parsing import text_of

CORE = "dart:core"
NOT_TRACKED = frozenset({"dynamic", "Never", "Null", "Function", "Type", "Object", "Record",
                         "Symbol", "Invocation"})
"""Types whose values we never judge members of (anything goes, or the analyzer is lenient)."""
OBJECT_MEMBERS = frozenset({"hashCode", "runtimeType", "toString", "noSuchMethod", "==", "call"})
"""Members every value may have (`call` on a function-typed value: a typedef of a function
type reads like its return type to the index's `base_name`)."""
MAX_DEPTH = 6
"""How many inferred locals deep (`final a = b; final b = c;`) we follow before giving up."""


@dataclass(frozen=True)
class Value:
    """An evident static type: the type itself named as a value, or an instance of it.

    `bindings` maps the type's own type parameters to written type arguments (`State<Page>`:
    T -> ("Page", library where written)).
    """

    type: TypeApi
    static: bool = False
    bindings: tuple[tuple[str, tuple[str, str]], ...] = ()


@dataclass(frozen=True)
class Lookup:
    """A member selected on an evident receiver, and what the receiver has under that name."""

    receiver: Value
    step: Step
    found: tuple[Member, ...]
    declaring: TypeApi | None = None
    constructor: Constructor | None = None
    enum_value: bool = False
    certain: bool = True
    """False when the member might still exist (an extension we cannot see, an unknown
    supertype): a rule reports a missing member only when this is True."""


@dataclass(frozen=True)
class Call:
    """Arguments given to a function, method or constructor whose signature is known."""

    callee: str
    signature: Signature
    arguments: Node
    library: str
    """Where the callee is declared: a `dart:` library's signatures are a Dart 3.2 copy."""

    @cached_property
    def given(self) -> tuple[list[Node], dict[str, Node]]:
        """The positional arguments and the named ones by label (read once: two rules ask)."""
        return arguments_of(self.arguments)


@dataclass
class Typed:
    """What one file's chains resolve to: member lookups and calls with known signatures."""

    lookups: list[Lookup] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)


def names_of(type_params: tuple[str, ...]) -> tuple[str, ...]:
    """Type parameter names without their bounds: ("T extends Object", "U") -> ("T", "U")."""
    return tuple(p.split()[0] for p in type_params if p.split())


def from_sdk_copy(type_api: TypeApi) -> bool:
    """Whether a type comes from the Dart 3.2 copy of the SDK libraries: newer members may be
    missing from it, so its absences are not certain (Object's and Enum's are)."""
    return type_api.library.startswith("dart:") and type_api.name not in ("Object", "Enum")


def _type_arguments(text: str) -> list[str]:
    """`Map<String, List<int>>?` -> ["String", "List<int>"]."""
    start = text.find("<")
    end = text.rfind(">")
    if start < 0 or end < start:
        return []
    inner, depth, current, found = text[start + 1 : end], 0, "", []
    for char in inner:
        if char == "," and depth == 0:
            found.append(current.strip())
            current = ""
            continue
        depth += 1 if char in "<(" else (-1 if char in ">)" else 0)
        current += char
    found.append(current.strip())
    return found


class Resolver:
    """Resolves the chains of one file, in the scope of its library."""

    def __init__(self, api: ApiIndex, library: str, prefixes: frozenset[str], *,
                 unnamed_extensions: bool = False,
                 extension_cache: dict[str, frozenset[str]] | None = None) -> None:
        self.api = api
        self.library = library
        self.prefixes = prefixes
        self.unnamed_extensions = unnamed_extensions
        """Whether the library declares an extension without a name (the index has none)."""
        self.extension_cache = {} if extension_cache is None else extension_cache
        """Extension member names each imported library exports (shared across files)."""
        scope = api.library(library)
        self.imports: tuple[LibraryRef, ...] = scope.imports if scope is not None else ()
        self._extension_members: frozenset[str] | None = None
        self._extensions_known: bool | None = None
        self._unknown: list[LibraryRef] | None = None
        self._owners: dict[int, TypeApi | None] = {}
        self._named: dict[str, tuple[tuple[str | None, str] | None, TypeApi | None]] = {}
        self._found: dict[tuple[str, str, bool, tuple[tuple[str, tuple[str, str]], ...], str],
                          tuple[TypeApi, tuple[tuple[Member, ...], Value | None]]] = {}

    # ---- scope ----------------------------------------------------------------------------

    def _unknown_imports(self) -> list[LibraryRef]:
        if self._unknown is None:
            self._unknown = [i for i in self.imports if i.uri not in self.api.libraries
                             or not self.api.exports_complete(i.uri)]
        return self._unknown

    def type_named(self, text: str, region: Region | None) -> TypeApi | None:
        """The type a written type names here; None for type parameters and unknown types."""
        if text not in self._named:
            self._named[text] = self._library_type(text)
        parsed, found = self._named[text]
        if parsed is None:
            return None
        prefix, name = parsed
        if prefix is None and region is not None and name in region.type_parameters:
            return None
        return found

    def _library_type(self, text: str) -> tuple[tuple[str | None, str] | None, TypeApi | None]:
        """What `type_named` finds for a text in this library, type parameters aside."""
        parsed = base_name(text)
        if parsed is None:
            return None, None
        prefix, name = parsed
        found = self.api.resolve(text, self.library)
        if found is None or found.name in NOT_TRACKED:
            return parsed, None
        if found.library.startswith("dart:") and prefix is None and any(
            i.prefix is None and i.admits(name) for i in self._unknown_imports()
        ):
            return parsed, None  # a package's own declaration would shadow the SDK's
        return parsed, found

    def extensions_known(self) -> bool:
        """Whether every extension this library can apply is known to the index."""
        if self._extensions_known is None:
            self._extensions_known = not self._unknown_imports() and not self.unnamed_extensions
        return self._extensions_known

    def _exported_extension_members(self, uri: str) -> frozenset[str]:
        if uri not in self.extension_cache:
            names: set[str] = set()
            for name, origin in self.api.exports(uri).items():
                outline = self.api.outline(origin)
                library = self.api.library(origin) if outline is not None and (
                    name in outline.extensions) else None
                declared = library.types.get(name) if library is not None else None
                if declared is not None and declared.kind == TypeKind.EXTENSION:
                    names |= set(declared.members)
            self.extension_cache[uri] = frozenset(names)
        return self.extension_cache[uri]

    def extension_members(self) -> frozenset[str]:
        """Every member name declared by an extension this library can see."""
        if self._extension_members is None:
            names: set[str] = set()
            for uri in dict.fromkeys([CORE, *(i.uri for i in self.imports)]):
                names |= self._exported_extension_members(uri)
            scope = self.api.library(self.library)
            for declared in (scope.types.values() if scope is not None else ()):
                if declared.kind == TypeKind.EXTENSION:
                    names |= set(declared.members)
            self._extension_members = frozenset(names)
        return self._extension_members

    # ---- members --------------------------------------------------------------------------

    def _find(self, value: Value, name: str) -> tuple[tuple[Member, ...], Value | None]:
        """`_lookup`, once per type, bindings and name (a file asks the same many times)."""
        key = (value.type.library, value.type.name, value.static, value.bindings, name)
        known = self._found.get(key)
        if known is None or known[0] is not value.type:
            known = self._found[key] = value.type, self._lookup(value, name)
        return known[1]

    def _lookup(self, value: Value, name: str) -> tuple[tuple[Member, ...], Value | None]:
        """What `value`'s type (or a supertype) declares under `name`, and the declaring type
        with its type parameters bound as far as written type arguments say.

        Dart's order: the class, its mixins (last first), then its superclass the same way;
        interfaces, and a mixin's `on` types, only after the whole class chain (an applied
        mixin's `on` type is its superclass, whose overrides come first)."""
        seen: set[tuple[str, str]] = set()
        later: list[Value] = []
        chain: list[Value] = [value]
        while chain or later:
            current = chain.pop(0) if chain else later.pop(0)
            key = (current.type.library, current.type.name)
            if key in seen:
                continue
            seen.add(key)
            if name in current.type.members:
                return current.type.members[name], current
            declared = current.type
            chain[:0] = self._values([*reversed(declared.mixins),
                                      *([declared.supertype] if declared.supertype else [])],
                                     current)
            later.extend(self._values([*declared.interfaces, *declared.on], current))
            if not chain:
                later.extend(self._implicit(declared))
        return (), None

    def _values(self, texts: list[str], within: Value) -> list[Value]:
        """The types written in `within`'s declaration header, with their type arguments."""
        found: list[Value] = []
        declared = within.type
        for text in texts:
            parent = self.api.resolve(text, declared.library)
            if parent is None:
                continue
            arguments = _type_arguments(text)
            bound = tuple(
                (param, self._bind(argument, declared.library, within))
                for param, argument in zip(names_of(parent.type_params), arguments,
                                           strict=False)
            )
            found.append(Value(parent, False, bound))
        return found

    def _implicit(self, declared: TypeApi) -> list[Value]:
        implicit = self.api.type(CORE, "Enum" if declared.kind == TypeKind.ENUM else "Object")
        return [Value(implicit)] if implicit is not None else []

    @staticmethod
    def _bind(text: str, library: str, within: Value) -> tuple[str, str]:
        """A type argument written in `library`, itself bound through `within`'s bindings."""
        bindings = dict(within.bindings)
        return bindings.get(text.removesuffix("?"), (text, library))

    def certain_absence(self, value: Value, name: str) -> bool:
        """Whether `value`'s type certainly has no instance member `name`."""
        if name in OBJECT_MEMBERS or value.type.kind == TypeKind.EXTENSION_TYPE:
            return False
        if name.startswith("_"):
            return False  # the index leaves private members out
        if not self.api.knows_all_members(value.type) or not self.extensions_known():
            return False
        if from_sdk_copy(value.type) or any(
            from_sdk_copy(t) for t in self.api.supertypes(value.type)[0]
        ):
            return False
        return name not in self.extension_members()

    # ---- chains ---------------------------------------------------------------------------

    def head(self, node: Node, region: Region | None, depth: int = 0) -> Value | None:
        """The value of a chain's first node, when evident."""
        if node.type == "this":
            owner = self._owner(region)
            return Value(owner) if owner is not None and owner.kind != TypeKind.EXTENSION else None
        if node.type not in ("identifier", "type_identifier"):
            return None
        name = text_of(node)
        if region is not None:
            declared = local_type(region, name, node)
            if declared is None:
                return None
            if declared is not False:
                return self._declared_value(declared, region, depth)
            owner = self._owner(region)
            if region.owner is not None and owner is None:
                return None  # a type we could not model: its members may be named anything
            if owner is not None:
                members, declaring = self._find(Value(owner), name)
                if not self.api.knows_all_members(owner):
                    # An override in a supertype we cannot see may narrow the member's type.
                    return None if members or not name[:1].isupper() else (
                        self._static_type(name, region))
                if members and declaring is not None:
                    return self._member_value(members, declaring)
        return self._static_type(name, region)

    def _static_type(self, name: str, region: Region | None) -> Value | None:
        found = self.type_named(name, region)
        return Value(found, static=True) if found is not None else None

    def _owner(self, region: Region | None) -> TypeApi | None:
        """The type declaration around a region, as the index has it (once per declaration)."""
        if region is None or region.owner is None:
            return None
        key = region.owner.id
        if key not in self._owners:
            named = region.owner.child_by_field_name("name") or next(
                (c for c in region.owner.children if c.type == "identifier"), None)
            scope = self.api.library(self.library)
            self._owners[key] = (None if named is None or scope is None
                                 else scope.types.get(text_of(named)))
        return self._owners[key]

    def _written_value(self, text: str, library: str, region: Region | None) -> Value | None:
        found = self.type_named(text, region) if library == self.library else (
            self.api.resolve(text, library))
        if found is None or found.name in NOT_TRACKED:
            return None
        arguments = _type_arguments(text)
        bound = tuple((p, (a, library)) for p, a in zip(names_of(found.type_params), arguments,
                                                       strict=False))
        return Value(found, False, bound)

    def _declared_value(self, declared: Written | Inferred | FieldParameter, region: Region,
                        depth: int) -> Value | None:
        if isinstance(declared, Written):
            return self._written_value(declared.text, self.library, region)
        if isinstance(declared, FieldParameter):
            owner = self._owner(region)
            if owner is None:
                return None
            members, declaring = self._find(Value(owner), declared.field)
            return self._member_value(members, declaring) if declaring is not None else None
        if depth >= MAX_DEPTH:
            return None
        return self.walk(chain_at(declared.value), region, Typed(), depth + 1)

    def _value_of_type(self, text: str | None, declaring: Value,
                       hidden: tuple[str, ...] = ()) -> Value | None:
        """The value a member's declared type gives, read where the member was declared;
        `hidden` are the member's own type parameters."""
        if text is None:
            return None
        bare = text.removesuffix("?")
        if bare in hidden:
            return None
        bindings = dict(declaring.bindings)
        if bare in bindings:
            bound, library = bindings[bare]
            return self._written_value(bound, library, None)
        if bare in names_of(declaring.type.type_params) or base_name(text) is None:
            return None
        return self._written_value(text, declaring.type.library, None)

    def _member_value(self, members: tuple[Member, ...], declaring: Value) -> Value | None:
        readable = [m for m in members if m.kind in (MemberKind.FIELD, MemberKind.GETTER)]
        if len(readable) != 1:
            return None
        return self._value_of_type(readable[0].type, declaring)

    def walk(self, chain: Chain, region: Region | None, typed: Typed,
             depth: int = 0) -> Value | None:
        """Follow a chain, recording lookups and calls; the value it ends with, if evident."""
        steps = list(chain.steps)
        head = chain.head
        name = text_of(head)
        if head.type in ("const_object_expression", "new_expression"):
            return self._follow(self._construction(head, region, typed), steps, region, typed)
        if name in self.prefixes and steps and steps[0].kind == StepKind.MEMBER and (
            region is None or local_type(region, name, head) is False
        ):
            step = steps.pop(0)
            found = self.type_named(f"{name}.{step.name}", region)
            if found is not None:
                return self._follow(Value(found, static=True), steps, region, typed)
            return self._call(self._function(step.name, name), steps, region, typed)
        value = self.head(head, region, depth)
        if value is None and head.type == "identifier" and self._unbound(head, region):
            return self._call(self._function(name, None), steps, region, typed)
        return self._follow(value, steps, region, typed)

    def _function(self, name: str, prefix: str | None) -> Pending | None:
        """A top-level function the library can call by this name, with one signature."""
        scope = self.api.library(self.library)
        if scope is None:
            return None
        origin: str | None = None
        if prefix is None and scope.declares(name):
            origin = self.library
        else:
            imports = [i for i in self.imports if i.prefix == prefix]
            if prefix is None:
                imports.append(LibraryRef(CORE))
            origin = next((o for i in imports if i.admits(name)
                           for o in [self.api.exports(i.uri).get(name)] if o is not None), None)
            if origin is not None and origin.startswith("dart:") and prefix is None and any(
                i.prefix is None and i.admits(name) for i in self._unknown_imports()
            ):
                return None
        if origin is None:
            return None
        declaring = self.api.library(origin)
        functions = declaring.functions.get(name, ()) if declaring is not None else ()
        if len(functions) != 1 or functions[0].signature is None:
            return None
        signature = functions[0].signature
        returns = None
        if signature.returns is not None and (
            signature.returns.removesuffix("?") not in names_of(signature.type_params)
        ):
            returns = self._written_value(signature.returns, origin, None)
        return Pending(name, signature, returns, origin)

    def _unbound(self, head: Node, region: Region | None) -> bool:
        """Whether no local or member of the enclosing type can be what `head` names."""
        if region is None:
            return True
        name = text_of(head)
        if local_type(region, name, head) is not False:
            return False
        owner = self._owner(region)
        if region.owner is not None and owner is None:
            return False
        if owner is None:
            return True
        members, _ = self._find(Value(owner), name)
        return not members and self.api.knows_all_members(owner)

    def _construction(self, node: Node, region: Region | None, typed: Typed) -> Value | None:
        """`const Foo(...)`, `new Foo.named(...)`, `const prefix.Foo(...)`."""
        names = [c for c in node.children if c.type in ("type_identifier", "identifier")]
        arguments = next((c for c in node.children if c.type == "arguments"), None)
        if not names or arguments is None:
            return None
        type_text = text_of(names[0])
        if len(names) > 1 and type_text in self.prefixes:
            type_text = f"{type_text}.{text_of(names[1])}"
            names = names[1:]
        found = self.type_named(type_text, region)
        if found is None:
            return None
        value = Value(found, static=True)
        if len(names) > 1:
            lookup = self._static_lookup(value, Step(StepKind.MEMBER, names[1]))
            typed.lookups.append(lookup)
            constructor = lookup.constructor
        else:
            constructor = found.constructors.get("")
        if constructor is not None:
            label = f"{found.name}.{constructor.name}" if constructor.name else found.name
            typed.calls.append(Call(label, constructor.signature, arguments, found.library))
        return Value(found)

    def _static_lookup(self, value: Value, step: Step) -> Lookup:
        declared = value.type
        name = step.name
        if name in declared.constructors:
            return Lookup(value, step, (), declared, declared.constructors[name])
        if name in declared.values:
            return Lookup(value, step, (), declared, enum_value=True)
        statics = tuple(m for m in declared.members.get(name, ()) if m.static)
        if statics:
            return Lookup(value, step, statics, declared)
        certain = not (name == "new" or name.startswith("_") or from_sdk_copy(declared)
                       or (name == "values" and declared.kind == TypeKind.ENUM)
                       or name in declared.members or name in OBJECT_MEMBERS
                       or declared.kind == TypeKind.EXTENSION_TYPE)
        return Lookup(value, step, (), declared, certain=certain)

    def _follow(self, value: Value | None, steps: list[Step], region: Region | None,
                typed: Typed) -> Value | None:
        while value is not None and steps:
            step = steps.pop(0)
            if step.kind in (StepKind.TYPE_ARGUMENTS, StepKind.NOT_NULL):
                continue
            if step.kind == StepKind.CALL and value.static:
                constructor = value.type.constructors.get("")
                if constructor is not None:
                    typed.calls.append(Call(value.type.name, constructor.signature, step.node,
                                            value.type.library))
                value = Value(value.type)
                continue
            if step.kind != StepKind.MEMBER:
                return None  # calling an instance, an index: not followed
            if value.static:
                lookup = self._static_lookup(value, step)
                typed.lookups.append(lookup)
                if lookup.constructor is not None:
                    pending = Pending(f"{value.type.name}.{step.name}",
                                      lookup.constructor.signature, Value(value.type),
                                      value.type.library)
                    return self._call(pending, steps, region, typed)
                if lookup.enum_value:
                    value = Value(value.type)
                    continue
                members, declaring = lookup.found, value
            else:
                members, found_in = self._find(value, step.name)
                certain = not members and self.certain_absence(value, step.name)
                typed.lookups.append(Lookup(value, step, members,
                                            found_in.type if found_in else None, certain=certain))
                if found_in is None or not self.api.knows_all_members(value.type):
                    return None  # an override we cannot see may narrow what it gives
                declaring = found_in
            if not members:
                return None
            methods = [m for m in members if m.kind == MemberKind.METHOD]
            if methods:
                method = methods[0]
                if len(members) != 1 or method.signature is None:
                    return None
                returns = self._value_of_type(method.signature.returns or method.type,
                                              declaring, names_of(method.signature.type_params))
                pending = Pending(f"{declaring.type.name}.{step.name}", method.signature,
                                  returns, declaring.type.library)
                return self._call(pending, steps, region, typed)
            value = self._member_value(members, declaring)
        return value

    def _call(self, pending: Pending | None, steps: list[Step], region: Region | None,
              typed: Typed) -> Value | None:
        """A callable named in the chain: record its call when the next step calls it."""
        while steps and steps[0].kind == StepKind.TYPE_ARGUMENTS:
            steps.pop(0)
        if pending is None or not steps or steps[0].kind != StepKind.CALL:
            return None  # a tear-off, or something we do not follow
        typed.calls.append(Call(pending.label, pending.signature, steps[0].node,
                               pending.library))
        return self._follow(pending.returns, steps[1:], region, typed)


@dataclass(frozen=True)
class Pending:
    """A callable the chain has named and may call next."""

    label: str
    signature: Signature
    returns: Value | None
    library: str


def resolve_file(resolver: Resolver, file_chains: list[Chain], regions: Regions) -> Typed:
    """Every lookup and call of one file's chains whose receiver or callee is evident."""
    typed = Typed()
    for chain in file_chains:
        resolver.walk(chain, regions.of(chain.head), typed)
    return typed
