"""The names a library can see: its own, its imports', and libraries we only partly know."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.checks.directives import Directive, Kind
from pipeline.checks.libraries import External, Family, external, sdk_index
from pipeline.checks.project import Project

DART_CORE = "dart:core"


@dataclass(frozen=True)
class Filter:
    """Which names get through the show/hide combinators of every path to a library: those
    in `shown` (when it is not None), else all but `hidden`. Paths compose and merge exactly,
    so however many paths lead to a library, one filter says what reaches the scope."""

    shown: frozenset[str] | None = None
    hidden: frozenset[str] = frozenset()

    def admits(self, name: str) -> bool:
        if self.shown is not None:
            return name in self.shown
        return name not in self.hidden

    def then(self, directive: Directive) -> Filter:
        """This filter followed by one more directive's combinators."""
        if self.shown is not None:
            shown = self.shown if directive.show is None else self.shown & directive.show
            return Filter(shown - directive.hide)
        if directive.show is not None:
            return Filter(directive.show - directive.hide - self.hidden)
        return Filter(None, self.hidden | directive.hide)

    def union(self, other: Filter) -> Filter:
        """What gets through either filter."""
        if self.shown is not None and other.shown is not None:
            return Filter(self.shown | other.shown)
        if self.shown is None and other.shown is None:
            return Filter(None, self.hidden & other.hidden)
        shown, hidden = (self.shown, other.hidden) if self.shown is not None else (
            other.shown, self.hidden)
        return Filter(None, hidden - (shown or frozenset()))


EVERYTHING = Filter()


@dataclass(frozen=True)
class Opening:
    """A library we only partly know, and what the paths that lead to it let through."""

    library: External
    filter: Filter = EVERYTHING

    def may_export(self, name: str) -> bool:
        """Whether this library could bring `name` into scope."""
        return self.filter.admits(name) and self.library.may_export(name)

    def through(self, directive: Directive) -> Opening:
        """The same library seen through one more import or export."""
        if directive.show is None and not directive.hide:
            return self  # a directive without combinators lets everything through
        return Opening(self.library, self.filter.then(directive))

    def joined(self, other: Opening) -> Opening:
        """One opening for both paths to the same library."""
        if self.filter == EVERYTHING or other.filter == self.filter:
            return self
        if other.filter == EVERYTHING:
            return other
        return Opening(self.library, self.filter.union(other.filter))


@dataclass
class Namespace:
    """Known names (each with the library it comes from) plus partly known libraries."""

    names: dict[str, str] = field(default_factory=dict)
    opened: dict[str, Opening] = field(default_factory=dict)
    """Partly known libraries by URI: one opening each, however many paths lead there."""
    externals: dict[str, External] = field(default_factory=dict)
    _exporters: dict[str, tuple[Opening, ...]] = field(default_factory=dict, repr=False)

    @property
    def openings(self) -> list[Opening]:
        return list(self.opened.values())

    def exporters(self, name: str) -> tuple[Opening, ...]:
        """The partly known libraries that may bring `name` into scope (cached per name)."""
        found = self._exporters.get(name)
        if found is None:
            found = tuple(o for o in self.opened.values() if o.may_export(name))
            self._exporters[name] = found
        return found

    def add(self, other: Namespace, directive: Directive) -> None:
        """Take in what `directive` lets through of another namespace."""
        if directive.show is None and not directive.hide:
            for name, origin in other.names.items():
                self.names.setdefault(name, origin)
        else:
            for name, origin in other.names.items():
                if directive.admits(name):
                    self.names.setdefault(name, origin)
        for opening in other.opened.values():
            self.open(opening.through(directive))
        for uri, library in other.externals.items():
            self.externals.setdefault(uri, library)

    def open(self, opening: Opening) -> None:
        """Add a partly known library once, however many export paths lead to it.

        Without this a library graph that re-exports widely (the Flutter framework) copies
        every opening along every path, and the count grows with the number of paths.
        """
        uri = opening.library.uri
        known = self.opened.get(uri)
        self.opened[uri] = opening if known is None else known.joined(opening)
        self._exporters.clear()

    def add_external(self, library: External, directive: Directive | None) -> None:
        """Take in a library outside the project."""
        self.externals.setdefault(library.uri, library)
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
                namespace.open(Opening(UNKNOWN))  # missing file or a part

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
            namespace.open(Opening(UNKNOWN))  # e.g. a `.g.dart` not generated yet
        return namespace
