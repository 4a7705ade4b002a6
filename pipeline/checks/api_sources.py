"""Where a tree of Dart and Flutter sources keeps its libraries, and the ones worth indexing.

Three layouts are understood: a Flutter SDK (`packages/flutter`, `bin/cache/dart-sdk`), a Dart
SDK (`lib/core/core.dart`), and the published-sources tree (`dart-sdk/lib`, `flutter/...`,
`packages/<name>/lib`).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
from dataclasses import dataclass, field
from pathlib import Path

PUBLIC_DART = ("async", "collection", "convert", "core", "developer", "ffi", "io", "isolate",
               "js_interop", "math", "typed_data", "ui")
FLUTTER_PACKAGES = ("flutter", "flutter_test")
PACKAGE_CONFIG = ".dart_tool/package_config.json"


@dataclass(frozen=True)
class SourceTree:
    """Library files by name: `dart:` library -> its file, package -> its `lib/` folder."""

    root: Path
    dart: dict[str, Path] = field(default_factory=dict)
    packages: dict[str, Path] = field(default_factory=dict)
    version_files: tuple[Path, ...] = ()

    def locate(self, uri: str) -> Path | None:
        """The file of an absolute `dart:` or `package:` URI (None when not in this tree)."""
        if uri.startswith("dart:"):
            return self.dart.get(uri[len("dart:") :])
        if uri.startswith("package:"):
            package, _, rest = uri[len("package:") :].partition("/")
            lib = self.packages.get(package)
            return lib / rest if lib is not None and rest else None
        return None

    def entry_points(self) -> list[str]:
        """The libraries a program imports: public `dart:` ones and each package's top files."""
        uris = [f"dart:{name}" for name in PUBLIC_DART if name in self.dart]
        for package in sorted(self.packages):
            lib = self.packages[package]
            uris += [f"package:{package}/{p.name}" for p in sorted(lib.glob("*.dart"))]
        return uris

    def describe(self) -> tuple[str, ...]:
        """The folders the libraries come from, relative to the root (the same wherever it is)."""
        folders = {_relative(p.parent, self.root) for p in self.dart.values()}
        folders |= {_relative(p, self.root) for p in self.packages.values()}
        return tuple(sorted(folders))

    def fingerprint(self) -> str:
        """Changes whenever the tree (its location or its version files) changes."""
        parts = [str(self.root)]
        for path in self.version_files:
            try:
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                parts.append("")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def absolute_uri(uri: str, base: str) -> str | None:
    """A directive's URI made absolute against the URI of the library that wrote it."""
    if uri.startswith(("dart:", "package:")):
        return uri
    if ":" in uri or not base.startswith("package:"):
        return None
    folder = posixpath.dirname(base[len("package:") :])
    joined = posixpath.normpath(posixpath.join(folder, uri))
    return f"package:{joined}" if "/" in joined and not joined.startswith("..") else None


def _dart_libraries(lib: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    try:
        spec = json.loads((lib / "libraries.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        spec = {}
    for target in spec.values() if isinstance(spec, dict) else ():
        libraries = target.get("libraries", {}) if isinstance(target, dict) else {}
        for name, entry in libraries.items():
            path = lib / str(entry.get("uri", ""))
            if path.is_file():
                found.setdefault(name, path)
    for folder in sorted(p for p in lib.iterdir() if p.is_dir()) if lib.is_dir() else ():
        path = folder / f"{folder.name.removeprefix('_')}.dart"
        if path.is_file() and path not in found.values():
            found.setdefault(folder.name, path)
    return found


def _configured_packages(config: Path) -> dict[str, Path]:
    """The packages a `package_config.json` names (a Flutter SDK's pub cache)."""
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, Path] = {}
    for entry in data.get("packages", []):
        root = str(entry.get("rootUri", ""))
        base = Path(root[len("file://") :]) if root.startswith("file://") else config.parent / root
        lib = (base / str(entry.get("packageUri", "lib/"))).resolve()
        if lib.is_dir():
            found[str(entry.get("name"))] = lib
    return found


def source_tree(root: Path) -> SourceTree | None:
    """The libraries of the tree at `root`, in whichever layout it has (None: not a tree)."""
    if (root / "packages" / "flutter" / "lib").is_dir() and (root / "bin").is_dir():
        dart_lib = root / "bin" / "cache" / "dart-sdk" / "lib"
        dart = _dart_libraries(dart_lib)
        ui = root / "bin" / "cache" / "pkg" / "sky_engine" / "lib" / "ui" / "ui.dart"
        if ui.is_file():
            dart["ui"] = ui
        packages = _configured_packages(root / "packages" / "flutter" / PACKAGE_CONFIG)
        packages |= {n: root / "packages" / n / "lib" for n in FLUTTER_PACKAGES
                     if (root / "packages" / n / "lib").is_dir()}
        versions = (root / "version", root / "bin" / "cache" / "dart-sdk" / "version")
        return SourceTree(root, dart, packages, versions)
    if (root / "lib" / "core" / "core.dart").is_file():
        return SourceTree(root, _dart_libraries(root / "lib"), {}, (root / "version",))
    if (root / "dart-sdk" / "lib").is_dir() or (root / "flutter" / "packages").is_dir():
        dart = _dart_libraries(root / "dart-sdk" / "lib")
        ui = root / "flutter" / "engine" / "src" / "flutter" / "lib" / "ui" / "ui.dart"
        if ui.is_file():
            dart["ui"] = ui
        packages = {n: root / "flutter" / "packages" / n / "lib" for n in FLUTTER_PACKAGES
                    if (root / "flutter" / "packages" / n / "lib").is_dir()}
        for folder in sorted((root / "packages").glob("*/lib")):
            packages[folder.parent.name] = folder
        return SourceTree(root, dart, packages, (root / "README.md",))
    return None


def find_local_sdk(environ: dict[str, str] | None = None) -> SourceTree | None:
    """The SDK named by FLUTTER_ROOT, or the one whose `flutter` or `dart` is on PATH."""
    env = os.environ if environ is None else environ
    path = env.get("PATH", "")
    roots: list[Path] = []
    if env.get("FLUTTER_ROOT"):
        roots.append(Path(env["FLUTTER_ROOT"]))
    for command in ("flutter", "dart"):
        found = shutil.which(command, path=path)
        if found:
            binary = Path(found).resolve()  # flutter/bin/flutter, dart-sdk/bin/dart
            if command == "dart" and len(binary.parents) > 4:
                roots.append(binary.parents[4])  # flutter/bin/cache/dart-sdk/bin/dart
            roots.append(binary.parents[1])
    for root in roots:
        tree = source_tree(root)
        if tree is not None and tree.dart:
            return tree
    return None
