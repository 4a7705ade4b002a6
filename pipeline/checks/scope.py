"""The names a library can see: its own, its imports', and libraries we only partly know."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.checks.directives import Directive, Kind
from pipeline.checks.libraries import External, Family, external, sdk_index
from pipeline.checks.project import Project

DART_CORE = "dart:core"


@dataclass(frozen=True)
class Opening:
    """A library we only partly know, reached through a chain of show/hide filters."""

    library: External
    filters: tuple[Directive, ...] = ()

    def may_export(self, name: str) -> bool:
        """Whether this library could bring `name` into scope."""
        return all(f.admits(name) for f in self.filters) and self.library.may_export(name)

    def through(self, directive: Directive) -> Opening:
        """The same library seen through one more import or export."""
        if directive.show is None and not directive.hide:
            return self  # a directive without combinators lets everything through
        return Opening(self.library, (*self.filters, directive))


@dataclass
class Namespace:
    """Known names (each with the library it comes from) plus partly known libraries."""

    names: dict[str, str] = field(default_factory=dict)
    openings: list[Opening] = field(default_factory=list)
    externals: list[External] = field(default_factory=list)

    def add(self, other: Namespace, directive: Directive) -> None:
        """Take in what `directive` lets through of another namespace."""
        for name, origin in other.names.items():
            if directive.admits(name):
                self.names.setdefault(name, origin)
        for opening in other.openings:
            self.open(opening.through(directive))
        for library in other.externals:
            if library not in self.externals:
                self.externals.append(library)

    def open(self, opening: Opening) -> None:
        """Add a partly known library once, however many export paths lead to it.

        Without this a library graph that re-exports widely (the Flutter framework) copies
        every opening along every path, and the count grows with the number of paths.
        """
        if opening not in self.openings:
            self.openings.append(opening)

    def add_external(self, library: External, directive: Directive | None) -> None:
        """Take in a library outside the project."""
        if library not in self.externals:
            self.externals.append(library)
        for name in library.names:
            if directive is None or directive.admits(name):
                self.names.setdefault(name, library.uri)
        if not library.complete:
            opening = Opening(library)
            self.open(opening.through(directive) if directive else opening)


UNKNOWN = External("unknown:", frozenset(), False, Family.UNKNOWN)


class Scopes:
    """Export namespaces and import scopes of every library of a project, computed once."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.index = sdk_index()
        self._exports: dict[str, Namespace] = {}

    def exported(self, library: str) -> Namespace:
        """What importing `library` brings in: its public declarations and its exports."""
        if library in self._exports:
            return self._exports[library]
        namespace = Namespace()
        self._exports[library] = namespace  # cycles see a partial namespace, as Dart allows
        for declaration in self.project.own_declarations(library):
            if not declaration.name.startswith("_"):
                namespace.names.setdefault(declaration.name, library)
        self._take(namespace, library, Kind.EXPORT)
        return namespace

    def _take(self, namespace: Namespace, library: str, kind: Kind) -> None:
        for directive, default in self.project.targets(library, (kind,)):
            if kind == Kind.IMPORT and directive.prefix is not None:
                continue
            target = self.project.names_from(library, directive, default)
            if target is None:
                namespace.add_external(external(directive.uri, self.index), directive)
            elif self.project.library_of.get(target) == target:
                namespace.add(self.exported(target), directive)
            else:
                namespace.openings.append(Opening(UNKNOWN))  # missing file or a part

    def visible(self, library: str) -> Namespace:
        """Everything a library and its parts can name without a prefix."""
        namespace = Namespace()
        for declaration in self.project.own_declarations(library):
            namespace.names.setdefault(declaration.name, library)
        self._take(namespace, library, Kind.IMPORT)
        imports_core = any(
            d.uri == DART_CORE for d in self.project.dart[library].of_kind(Kind.IMPORT)
        )
        if not imports_core:
            namespace.add_external(external(DART_CORE, self.index), None)
        if self.project.missing_parts(library):
            namespace.openings.append(Opening(UNKNOWN))  # e.g. a `.g.dart` not generated yet
        return namespace
