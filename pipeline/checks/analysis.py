"""What every rule may ask about a project: its files, library graph, scopes and known names."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from pipeline.checks.libraries import ALL_PACKAGE_NAMES, ALL_SDK_NAMES
from pipeline.checks.nearmiss import NearIndex, index_of
from pipeline.checks.project import Project
from pipeline.checks.scope import Namespace, Scopes


class Analysis:
    """One project, parsed and resolved once; rules read it and never re-parse."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = files
        self.project = Project(files)
        self.scopes = Scopes(self.project)
        self._visible: dict[str, Namespace] = {}
        self._own_indexes: dict[int, NearIndex] = {}

    def visible(self, library: str) -> Namespace:
        """The import scope of a library (cached)."""
        if library not in self._visible:
            self._visible[library] = self.scopes.visible(library)
        return self._visible[library]

    def namespace_of(self, path: str) -> Namespace | None:
        """What a file can name: its library's scope; None for a part whose library is absent."""
        library = self.project.library_of.get(path)
        return None if library is None else self.visible(library)

    @cached_property
    def everything_known(self) -> frozenset[str]:
        """Every name we know to exist anywhere: SDK lists, package lists, the project."""
        project_names = {
            d.name for dart in self.project.dart.values() for d in dart.declarations
        }
        return ALL_SDK_NAMES | ALL_PACKAGE_NAMES | project_names

    def near_indexes(self, namespace: Namespace) -> list[NearIndex]:
        """Near-miss indexes of what a namespace names: its project names, then each library."""
        key = id(namespace)
        if key not in self._own_indexes:
            own = [n for n, origin in namespace.names.items() if origin not in namespace.externals]
            self._own_indexes[key] = NearIndex(own)
        externals = namespace.externals.values()
        return [self._own_indexes[key], *(index_of(e.names) for e in externals)]
