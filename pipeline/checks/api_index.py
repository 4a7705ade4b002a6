"""Questions asked of an API index: what a library exports, a type's members and constructors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from pipeline.checks.api_model import (
    Constructor,
    LibraryApi,
    LibraryRef,
    Member,
    Outline,
    TypeApi,
    Typedef,
    TypeKind,
)

CORE = "dart:core"


def base_name(type_text: str) -> tuple[str | None, str] | None:
    """`ui.Color?` -> ("ui", "Color"); `List<int>` -> (None, "List"); a function or record type
    -> None."""
    text = type_text.strip().removesuffix("?").strip()
    generic = text.find("<")
    if generic >= 0:
        text = text[:generic]
    text = text.strip()
    if not text or "(" in text or " " in text:
        return None
    prefix, _, name = text.rpartition(".")
    if not name.isidentifier() or (prefix and not prefix.isidentifier()):
        return None
    return (prefix or None), name


class ApiIndex:
    """Libraries by URI, and lookups across them (memoized: the index never changes)."""

    def __init__(self, libraries: Mapping[str, LibraryApi], sources: tuple[str, ...] = (),
                 outlines: Mapping[str, Outline] | None = None) -> None:
        self.libraries = libraries
        self.sources = sources
        self._outlines = outlines
        self._exports: dict[str, tuple[dict[str, str], bool]] = {}
        self._resolved: dict[tuple[str, str], TypeApi | None] = {}
        self._supertypes: dict[tuple[str, str],
                               tuple[TypeApi, tuple[tuple[TypeApi, ...], bool]]] = {}

    @property
    def outlines(self) -> Mapping[str, Outline] | None:
        """The outlines given at construction (None: computed from the libraries)."""
        return self._outlines

    def outline(self, uri: str) -> Outline | None:
        if self._outlines is not None:
            return self._outlines.get(uri)
        library = self.libraries.get(uri)
        return library.outline() if library is not None else None

    def library(self, uri: str) -> LibraryApi | None:
        return self.libraries.get(uri)

    def _namespace(self, uri: str) -> tuple[dict[str, str], bool]:
        if uri in self._exports:
            return self._exports[uri]
        self._exports[uri] = ({}, True)  # an export cycle adds nothing new
        outline = self.outline(uri)
        if outline is None:
            return {}, False
        names = dict.fromkeys(outline.names, uri)
        complete = True
        for export in outline.exports:
            exported, exported_complete = self._namespace(export.uri)
            if self.outline(export.uri) is None and export.show is not None:
                # Unfollowable, but `show` still says what comes (known by name only).
                exported, exported_complete = dict.fromkeys(export.show, export.uri), True
            complete = complete and exported_complete
            for name, origin in exported.items():
                if export.admits(name):
                    names.setdefault(name, origin)
        self._exports[uri] = (names, complete)
        return names, complete

    def exports(self, uri: str) -> dict[str, str]:
        """Each public name that importing `uri` brings, mapped to the library declaring it."""
        return self._namespace(uri)[0]

    def exports_complete(self, uri: str) -> bool:
        """Whether every export of `uri` could be followed (so a name not exported is unknown)."""
        return self.outline(uri) is not None and self._namespace(uri)[1]

    def type(self, library: str, name: str) -> TypeApi | None:
        """The type `name` as seen by a file importing `library` (typedefs followed)."""
        origin = self.exports(library).get(name)
        return self._declared_type(origin, name) if origin is not None else None

    def function(self, library: str, name: str) -> tuple[Member, ...]:
        """The top-level function, getter, setter or variable `name` that `library` exports."""
        origin = self.exports(library).get(name)
        declaring = self.libraries.get(origin) if origin is not None else None
        return declaring.functions.get(name, ()) if declaring is not None else ()

    def typedef(self, library: str, name: str) -> Typedef | None:
        origin = self.exports(library).get(name)
        declaring = self.libraries.get(origin) if origin is not None else None
        return declaring.typedefs.get(name) if declaring is not None else None

    def _declared_type(self, library: str, name: str, depth: int = 0) -> TypeApi | None:
        declaring = self.libraries.get(library)
        if declaring is None:
            return None
        if name in declaring.types:
            return declaring.types[name]
        alias = declaring.typedefs.get(name)
        if alias is not None and depth < 8:
            return self._resolve(alias.aliased, declaring, depth + 1)
        return None

    def resolve(self, type_text: str, library: str) -> TypeApi | None:
        """The type a type's source text names inside `library` (where it was written)."""
        key = (type_text, library)
        if key not in self._resolved:
            scope = self.libraries.get(library)
            self._resolved[key] = self._resolve(type_text, scope, 0) if scope is not None else None
        return self._resolved[key]

    def _resolve(self, type_text: str, scope: LibraryApi, depth: int) -> TypeApi | None:
        parsed = base_name(type_text)
        if parsed is None:
            return None
        prefix, name = parsed
        if prefix is None and scope.declares(name):
            return self._declared_type(scope.uri, name, depth)
        imports = [i for i in scope.imports if i.prefix == prefix]
        if prefix is None and not any(i.uri == CORE for i in imports):
            imports.append(_IMPLICIT_CORE)
        for imported in imports:
            if not imported.admits(name):
                continue
            origin = self.exports(imported.uri).get(name)
            if origin is not None:
                return self._declared_type(origin, name, depth)
        return None

    def _parents(self, type_api: TypeApi) -> Iterator[tuple[str | None, TypeApi | None]]:
        """Each type `type_api` inherits from, with its text (None: the implicit Object or Enum)."""
        texts = [*reversed(type_api.mixins)]
        if type_api.supertype is not None:
            texts.append(type_api.supertype)
        texts += [*type_api.interfaces]
        if type_api.kind == TypeKind.MIXIN:
            texts += [*type_api.on]
        for text in texts:
            yield text, self.resolve(text, type_api.library)
        if type_api.kind == TypeKind.ENUM:
            yield None, self.type(CORE, "Enum")
        elif texts or type_api.kind == TypeKind.EXTENSION or _is_object(type_api):
            return
        else:
            yield None, self.type(CORE, "Object")

    def supertypes(self, type_api: TypeApi) -> tuple[tuple[TypeApi, ...], bool]:
        """Every type `type_api` inherits from, nearest first, and whether all were found."""
        key = (type_api.library, type_api.name)
        known = self._supertypes.get(key)
        if known is None or known[0] is not type_api:  # a type from elsewhere of that name
            known = self._supertypes[key] = type_api, self._inherited(type_api)
        return known[1]

    def _inherited(self, type_api: TypeApi) -> tuple[tuple[TypeApi, ...], bool]:
        seen: set[tuple[str, str]] = {(type_api.library, type_api.name)}
        order: list[TypeApi] = []
        complete = True
        queue = [type_api]
        while queue:
            current = queue.pop(0)
            for _, parent in self._parents(current):
                if parent is None:
                    complete = False
                    continue
                key = (parent.library, parent.name)
                if key not in seen:
                    seen.add(key)
                    order.append(parent)
                    queue.append(parent)
        return tuple(order), complete

    def member(self, type_api: TypeApi, name: str) -> tuple[Member, ...]:
        """What `type_api` has under `name`: its own members, static ones included, then the
        instance members it inherits (the nearest declaration wins)."""
        if name in type_api.members:
            return type_api.members[name]
        for parent in self.supertypes(type_api)[0]:
            inherited = tuple(m for m in parent.members.get(name, ()) if not m.static)
            if inherited:
                return inherited
        return ()

    def members(self, type_api: TypeApi) -> dict[str, tuple[Member, ...]]:
        """Every member `type_api` has: its own, and the instance members it inherits."""
        found: dict[str, tuple[Member, ...]] = dict(type_api.members)
        for parent in self.supertypes(type_api)[0]:
            for name, declared in parent.members.items():
                inherited = tuple(m for m in declared if not m.static)
                if inherited:
                    found.setdefault(name, inherited)
        return found

    def knows_all_members(self, type_api: TypeApi) -> bool:
        """Whether every supertype was found, so a member not listed certainly does not exist."""
        return self.supertypes(type_api)[1]

    def constructor(self, type_api: TypeApi, name: str = "") -> Constructor | None:
        return type_api.constructors.get(name)

    def extensions_on(self, type_api: TypeApi, visible: Iterable[str]) -> list[TypeApi]:
        """The extensions exported by the `visible` libraries whose `on` type is `type_api` or
        one of its supertypes."""
        targets = {(t.library, t.name) for t in (type_api, *self.supertypes(type_api)[0])}
        found: list[TypeApi] = []
        seen: set[tuple[str, str]] = set()
        for uri in visible:
            for name, origin in self.exports(uri).items():
                outline = self.outline(origin)
                if outline is None or name not in outline.extensions or (origin, name) in seen:
                    continue
                declaring = self.libraries.get(origin)
                extension = declaring.types[name] if declaring is not None else None
                if extension is None or not extension.on:
                    continue
                on = self.resolve(extension.on[0], origin)
                if on is not None and (on.library, on.name) in targets:
                    seen.add((origin, name))
                    found.append(extension)
        return found


_IMPLICIT_CORE = LibraryRef(CORE)


def _is_object(type_api: TypeApi) -> bool:
    return type_api.library == CORE and type_api.name == "Object"


