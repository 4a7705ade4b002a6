"""The parsed Dart files of one project: libraries, their parts, and where each URI leads."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from tree_sitter import Tree

from pipeline.checks.declarations import Declaration, top_level_declarations
from pipeline.checks.directives import Directive, Kind, directives, library_name
from pipeline.checks.gen_l10n import SYNTHETIC_PACKAGE, SYNTHETIC_ROOT, synthesized
from pipeline.checks.package_roots import PackageRoot, PackageRoots
from pipeline.checks.parsing import parse
from pipeline.checks.usages import FileNames, collect

DART_SUFFIX = ".dart"


@dataclass
class DartFile:
    """One parsed Dart file and what it says about itself."""

    path: str
    text: str

    @cached_property
    def tree(self) -> Tree:
        return parse(self.text)

    @cached_property
    def directives(self) -> list[Directive]:
        return directives(self.tree)

    @cached_property
    def declarations(self) -> list[Declaration]:
        return top_level_declarations(self.tree)

    @property
    def names(self) -> FileNames:
        return _collected(self.tree)

    @cached_property
    def library_name(self) -> str | None:
        return library_name(self.tree)

    def of_kind(self, kind: Kind) -> list[Directive]:
        """The directives of one kind, in source order."""
        return [d for d in self.directives if d.kind == kind]


@lru_cache(maxsize=1024)
def _collected(tree: Tree) -> FileNames:
    """Names of a file, cached by its tree (itself cached by content, so a file checked again
    unchanged is not read again); by the tree, not the text, so the nodes they hold are that
    tree's even when the tree cache has parsed the text anew."""
    return collect(tree)


class Project:
    """Every Dart file of a project, indexed for imports, parts and declarations."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = files
        self.packages = PackageRoots(files)
        self.synthesized = synthesized(files, self.packages)
        """Files a build would generate (gen-l10n output): read, never reported on."""
        self.dart = {
            path: DartFile(path, text)
            for path, text in sorted({**files, **self.synthesized}.items())
            if path.endswith(DART_SUFFIX)
        }

    def resolve(self, from_path: str, uri: str) -> str | None:
        """The project path a URI names, or None for `dart:` and other packages' URIs."""
        if uri.startswith("dart:"):
            return None
        if uri.startswith("package:"):
            return self._resolve_package(from_path, uri)
        if ":" in uri.split("/", 1)[0]:
            return None  # another scheme (http:, file:): never part of the project
        target = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), uri))
        # A path that climbs out of the project (a monorepo sibling) is not ours to judge.
        return None if target.startswith("../") else target

    def _resolve_package(self, from_path: str, uri: str) -> str | None:
        """`package:own/x.dart` -> own lib/x.dart; a sibling package of the project alike."""
        package, _, rest = uri[len("package:") :].partition("/")
        own = self.packages.of(from_path)
        if package == SYNTHETIC_PACKAGE:
            local = f"{SYNTHETIC_ROOT}/{rest}"
            candidate = own.path_of(local) if own is not None else local
            return candidate if candidate in self.dart else None
        if own is None or own.name is None:
            # No readable name to match: the project's own lib/ if the file is there.
            local = f"lib/{rest}" if own is None else own.path_of(f"lib/{rest}")
            candidate = posixpath.normpath(local)
            return candidate if candidate in self.dart else None
        root = own if own is not None and own.name == package else self.packages.named(package)
        if root is None:
            return None
        return posixpath.normpath(root.path_of(f"lib/{rest}"))

    def targets(self, path: str, kinds: tuple[Kind, ...]) -> list[tuple[Directive, str | None]]:
        """Each directive of those kinds with the project path it resolves to."""
        found = []
        for directive in self.dart[path].directives:
            if directive.kind in kinds:
                found.append((directive, self.resolve(path, directive.uri)))
        return found

    def names_from(self, path: str, directive: Directive, default: str | None) -> str | None:
        """Where a directive's names come from: its default URI, or for a conditional one
        whose default file is absent, the first of its configured files that exists."""
        if default is None or default in self.dart:
            return default
        for uri in directive.configured:
            target = self.resolve(path, uri)
            if target in self.dart:
                return target
        return default

    @cached_property
    def library_of(self) -> dict[str, str | None]:
        """Each file's library: itself, or for a `part of` file the file that includes it."""
        owners: dict[str, str] = {}
        by_name: dict[str, str] = {}
        for path, dart in self.dart.items():
            if dart.library_name:
                by_name[dart.library_name] = path
            for _directive, target in self.targets(path, (Kind.PART,)):
                if target is not None:
                    owners[target] = path
        result: dict[str, str | None] = {}
        for path, dart in self.dart.items():
            part_of = dart.of_kind(Kind.PART_OF)
            if not part_of:
                result[path] = path
                continue
            uri = part_of[0].uri
            parent = owners.get(path) or by_name.get(uri) or self.resolve(path, uri)
            result[path] = parent if parent in self.dart else None
        return result

    @cached_property
    def parts(self) -> dict[str, list[str]]:
        """Each library's part files that exist in the project."""
        found: dict[str, list[str]] = {}
        for path, library in self.library_of.items():
            if library is not None and library != path:
                found.setdefault(library, []).append(path)
        return found

    def unit_paths(self, library: str) -> list[str]:
        """The library file followed by its parts."""
        return [library, *self.parts.get(library, [])]

    def missing_parts(self, library: str) -> list[Directive]:
        """`part` directives of a library whose file is not in the project (often generated)."""
        return [d for d, target in self.targets(library, (Kind.PART,)) if target not in self.dart]

    def own_declarations(self, library: str) -> list[Declaration]:
        """Top-level declarations of a library and its parts, private ones included."""
        return [d for path in self.unit_paths(library) for d in self.dart[path].declarations]

    @cached_property
    def declarers(self) -> dict[str, list[str]]:
        """Public top-level name -> the library files that declare it."""
        found: dict[str, list[str]] = {}
        for path, library in self.library_of.items():
            if library != path:
                continue
            for declaration in self.own_declarations(path):
                if not declaration.name.startswith("_"):
                    found.setdefault(declaration.name, []).append(path)
        return found

    @cached_property
    def member_names(self) -> frozenset[str]:
        """Every name declared below top level anywhere (members, locals, parameters)."""
        names: set[str] = set()
        for dart in self.dart.values():
            names |= dart.names.declared
        top = {d.name for dart in self.dart.values() for d in dart.declarations}
        return frozenset(names - top)

    def import_uri(self, from_path: str, target: str) -> str:
        """How `from_path` should spell an import of `target`."""
        root = self.packages.of(target)
        if root is not None and root.name and root.relative(target).startswith("lib/"):
            package_uri = f"package:{root.name}/{root.relative(target)[len('lib/'):]}"
            inside = root.relative(from_path).startswith("lib/")
            if self.packages.of(from_path) != root or not inside:
                return package_uri
            if self._prefers_package_uris(from_path, root.name):
                return package_uri
        return posixpath.relpath(target, posixpath.dirname(from_path) or ".")

    def package_of(self, path: str) -> PackageRoot | None:
        """The package a file belongs to (None when no pubspec.yaml is above it)."""
        return self.packages.of(path)

    def _prefers_package_uris(self, path: str, name: str) -> bool:
        return any(d.uri.startswith(f"package:{name}/") for d in self.dart[path].directives)

    def imports_of(self, path: str) -> set[str]:
        """Project files that `path` imports or exports and that exist."""
        if path not in self.dart:
            return set()
        return {
            target
            for _directive, target in self.targets(path, (Kind.IMPORT, Kind.EXPORT))
            if target is not None and target in self.dart
        }
