"""What every rule may ask about a project: its files, library graph, scopes and known names."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from pipeline.checks.api_index import ApiIndex
from pipeline.checks.api_load import load
from pipeline.checks.chains import chains, unnamed_extension
from pipeline.checks.libraries import ALL_PACKAGE_NAMES, ALL_SDK_NAMES
from pipeline.checks.locals import Regions
from pipeline.checks.nearmiss import NearIndex, index_of
from pipeline.checks.project import Project
from pipeline.checks.project_api import project_index, project_uri
from pipeline.checks.receivers import Resolver, Typed, resolve_file
from pipeline.checks.scope import Namespace, Scopes


class Analysis:
    """One project, parsed and resolved once; rules read it and never re-parse."""

    def __init__(self, files: Mapping[str, str], sdk: ApiIndex | None = None) -> None:
        self.files = files
        self.project = Project(files)
        self.scopes = Scopes(self.project)
        self.sdk = sdk if sdk is not None else load()
        self._visible: dict[str, Namespace] = {}
        self._own_indexes: dict[int, NearIndex] = {}
        self._typed: dict[str, Typed] = {}
        self._regions: dict[str, Regions] = {}
        self._extension_cache: dict[str, frozenset[str]] = {}

    @cached_property
    def api(self) -> ApiIndex:
        """The project's libraries in the API model, over the SDK's and packages' index."""
        return project_index(self.project, self.sdk)

    def typed(self, path: str) -> Typed:
        """The member lookups and calls of one file whose receiver or callee is evident."""
        if path not in self._typed:
            library = self.project.library_of.get(path)
            dart = self.project.dart[path]
            if library is None:
                self._typed[path] = Typed()  # a part without its library: nothing to go by
            else:
                units = [self.project.dart[unit] for unit in self.project.unit_paths(library)]
                resolver = Resolver(
                    self.api, project_uri(library),
                    frozenset(p for unit in units for p in unit.names.prefixes),
                    unnamed_extensions=any(unnamed_extension(u.tree) for u in units),
                    extension_cache=self._extension_cache)
                self._typed[path] = resolve_file(resolver, list(chains(dart.tree)),
                                                 self.regions(path))
        return self._typed[path]

    def regions(self, path: str) -> Regions:
        """The members of one file and what each declares (cached)."""
        if path not in self._regions:
            dart = self.project.dart[path]
            self._regions[path] = Regions(dart.tree, dart.names.declaring)
        return self._regions[path]

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
