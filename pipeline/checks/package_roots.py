"""Which package each file belongs to: every directory holding a pubspec.yaml is a package root.

A monorepo (`packages/*`), an app with its own `example/` app, or a tool beside the app each
hold several packages; a file is judged by the pubspec of the nearest root above it, and
`package:<that package's name>/x.dart` leads to that root's `lib/x.dart`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

PUBSPEC = "pubspec.yaml"
LOCKFILE = "pubspec.lock"
PUBLIC_DIRS = ("lib/", "bin/")
"""Where a package's published code lives; elsewhere (test/, tool/, example/...) dev
dependencies may be imported too."""


def load_pubspec(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """The pubspec's mapping, or None and what is wrong with it."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return None, " ".join(str(exc).split())
    if not isinstance(data, dict):
        return None, "the top level must be a mapping"
    return data, None


def section(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    """A mapping-valued field of a pubspec (empty when absent or not a mapping)."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class PackageRoot:
    """One package: its directory ("" for the project's top), pubspec and lockfile."""

    directory: str
    pubspec: dict[str, Any] | None
    locked: frozenset[str] | None
    """Every package `pub get` resolved (pubspec.lock), when the lockfile is present."""

    @property
    def name(self) -> str | None:
        name = self.pubspec.get("name") if self.pubspec else None
        return name if isinstance(name, str) and name else None

    @property
    def pubspec_path(self) -> str:
        return self.path_of(PUBSPEC)

    def path_of(self, relative: str) -> str:
        """A project path from a path relative to this root."""
        return posixpath.join(self.directory, relative) if self.directory else relative

    def relative(self, path: str) -> str:
        """A project path relative to this root."""
        return path[len(self.directory) + 1 :] if self.directory else path

    def is_public(self, path: str) -> bool:
        """Whether a file of this package is published code (lib/, bin/)."""
        return self.relative(path).startswith(PUBLIC_DIRS)


def _locked(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    data, _problem = load_pubspec(text)
    return frozenset(section(data, "packages")) if data is not None else None


class PackageRoots:
    """The package roots of a file map, and which one owns each path."""

    def __init__(self, files: Mapping[str, str]) -> None:
        roots = {}
        for path in files:
            if posixpath.basename(path) == PUBSPEC:
                directory = posixpath.dirname(path)
                data, _problem = load_pubspec(files[path] or "")
                lock = files.get(posixpath.join(directory, LOCKFILE) if directory else LOCKFILE)
                roots[directory] = PackageRoot(directory, data, _locked(lock))
        self.roots = roots
        # Deepest first, so the nearest root above a path is the first that contains it.
        self._deepest_first = sorted(roots, key=lambda d: (-d.count("/"), -len(d), d))
        names: dict[str, list[PackageRoot]] = {}
        for root in roots.values():
            if root.name:
                names.setdefault(root.name, []).append(root)
        self._by_name = {name: found[0] for name, found in names.items() if len(found) == 1}

    def __iter__(self) -> Iterator[PackageRoot]:
        return iter(self.roots[d] for d in sorted(self.roots))

    def of(self, path: str) -> PackageRoot | None:
        """The package a path belongs to: the nearest root above it."""
        for directory in self._deepest_first:
            if not directory or path.startswith(directory + "/"):
                return self.roots[directory]
        return None

    def named(self, name: str) -> PackageRoot | None:
        """The one package of the project with that name, if exactly one has it."""
        return self._by_name.get(name)
