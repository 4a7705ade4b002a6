"""An index of the public names of an installed Dart or Flutter SDK, built from its sources."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.checks.declarations import top_level_declarations
from pipeline.checks.directives import Directive, Kind, directives
from pipeline.checks.parsing import parse

CACHE_VERSION = 1
INDEXED_DART = ("core", "async", "collection", "convert", "developer", "ffi", "io", "isolate",
                "math", "typed_data", "js_interop")
PACKAGE_CONFIG = ".dart_tool/package_config.json"


@dataclass(frozen=True)
class SdkIndex:
    """Library URI -> (public names it exports, whether every export could be followed)."""

    root: str
    libraries: dict[str, tuple[frozenset[str], bool]]


@dataclass(frozen=True)
class SdkLayout:
    """Where an installed SDK keeps its library sources."""

    dart_sdk: Path
    flutter_root: Path | None

    def fingerprint(self) -> str:
        """Changes whenever the installed SDK (or its location) changes."""
        parts = [str(self.dart_sdk), _read(self.dart_sdk / "version")]
        if self.flutter_root is not None:
            parts += [str(self.flutter_root), _read(self.flutter_root / "version")]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def find_sdk(environ: dict[str, str] | None = None) -> SdkLayout | None:
    """The SDK named by FLUTTER_ROOT, or the one whose `flutter` or `dart` is on PATH."""
    env = os.environ if environ is None else environ
    path = env.get("PATH", "")
    roots: list[Path] = []
    if env.get("FLUTTER_ROOT"):
        roots.append(Path(env["FLUTTER_ROOT"]))
    flutter = shutil.which("flutter", path=path)
    if flutter:
        roots.append(Path(flutter).resolve().parent.parent)
    for root in roots:
        dart_sdk = root / "bin" / "cache" / "dart-sdk"
        if (root / "packages" / "flutter" / "lib").is_dir() and (dart_sdk / "lib").is_dir():
            return SdkLayout(dart_sdk, root)
    dart = shutil.which("dart", path=path)
    if dart:
        dart_sdk = Path(dart).resolve().parent.parent
        if (dart_sdk / "lib" / "core" / "core.dart").is_file():
            flutter_root = dart_sdk.parent.parent.parent
            has_flutter = (flutter_root / "packages" / "flutter" / "lib").is_dir()
            return SdkLayout(dart_sdk, flutter_root if has_flutter else None)
    return None


class _Builder:
    """Follows exports from each public library file and collects the names they expose."""

    def __init__(self, layout: SdkLayout) -> None:
        self.layout = layout
        self.packages = self._package_roots()
        self.memo: dict[Path, tuple[frozenset[str], bool]] = {}

    def _package_roots(self) -> dict[str, Path]:
        roots: dict[str, Path] = {}
        if self.layout.flutter_root is None:
            return roots
        packages = self.layout.flutter_root / "packages"
        for name in ("flutter", "flutter_test"):
            roots[name] = packages / name / "lib"
        config = packages / "flutter" / PACKAGE_CONFIG
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return roots
        for entry in data.get("packages", []):
            root = entry.get("rootUri", "")
            base = Path(root[len("file://") :]) if root.startswith("file://") else (
                config.parent / root
            )
            roots.setdefault(entry["name"], (base / entry.get("packageUri", "lib/")).resolve())
        return roots

    def locate(self, uri: str, from_file: Path) -> Path | None:
        if uri.startswith("dart:"):
            name = uri[len("dart:") :]
            if name == "ui" and self.layout.flutter_root is not None:
                return self.layout.flutter_root / "bin/cache/pkg/sky_engine/lib/ui/ui.dart"
            return self.layout.dart_sdk / "lib" / name / f"{name}.dart"
        if uri.startswith("package:"):
            package, _, rest = uri[len("package:") :].partition("/")
            root = self.packages.get(package)
            return root / rest if root is not None else None
        return Path(posixpath.normpath(str(from_file.parent / uri)))

    def library(self, file: Path) -> tuple[frozenset[str], bool]:
        if file in self.memo:
            return self.memo[file]
        self.memo[file] = (frozenset(), False)  # an export cycle adds nothing new
        try:
            tree = parse(file.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return self.memo[file]
        names: set[str] = set()
        complete = True
        found = directives(tree)
        for part in (d for d in found if d.kind == Kind.PART):
            target = self.locate(part.uri, file)
            try:
                part_tree = parse(target.read_text(encoding="utf-8")) if target else None
            except OSError:
                part_tree = None
            if part_tree is None:
                complete = False
                continue
            names |= {d.name for d in top_level_declarations(part_tree)}
        names |= {d.name for d in top_level_declarations(tree)}
        names = {n for n in names if not n.startswith("_")}
        for export in (d for d in found if d.kind == Kind.EXPORT):
            exported, exported_complete = self._export(export, file)
            names |= exported
            complete = complete and exported_complete
        self.memo[file] = (frozenset(names), complete)
        return self.memo[file]

    def _export(self, export: Directive, file: Path) -> tuple[set[str], bool]:
        target = self.locate(export.uri, file)
        if target is None or not target.is_file():
            # Unfollowable, but a `show` list still names exactly what comes through.
            return set(export.show or ()), export.show is not None
        names, complete = self.library(target)
        return {n for n in names if export.admits(n)}, complete or export.show is not None

    def build(self) -> dict[str, tuple[frozenset[str], bool]]:
        libraries: dict[str, tuple[frozenset[str], bool]] = {}
        uris = [f"dart:{name}" for name in INDEXED_DART]
        if self.layout.flutter_root is not None:
            uris.append("dart:ui")
            flutter_lib = self.layout.flutter_root / "packages" / "flutter" / "lib"
            uris += [f"package:flutter/{p.name}" for p in sorted(flutter_lib.glob("*.dart"))]
            uris.append("package:flutter_test/flutter_test.dart")
        for uri in uris:
            file = self.locate(uri, Path("."))
            if file is not None and file.is_file():
                libraries[uri] = self.library(file)
        return libraries


def _cache_dir(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "code-factory"


def build_index(layout: SdkLayout) -> SdkIndex:
    """Read the SDK's library sources and list what each public library exports."""
    return SdkIndex(str(layout.dart_sdk), _Builder(layout).build())


def load_sdk_index(environ: dict[str, str] | None = None) -> SdkIndex | None:
    """The installed SDK's index from the cache, building (and caching) it on first use."""
    layout = find_sdk(environ)
    if layout is None:
        return None
    cache = _cache_dir(environ) / f"sdk-index-{CACHE_VERSION}-{layout.fingerprint()}.json"
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        libraries = {uri: (frozenset(names), bool(ok)) for uri, (names, ok) in data.items()}
        return SdkIndex(str(layout.dart_sdk), libraries)
    except (OSError, ValueError, TypeError):
        pass
    index = build_index(layout)
    if not index.libraries:
        return None
    payload = {uri: [sorted(names), ok] for uri, (names, ok) in index.libraries.items()}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(payload), encoding="utf-8")
    except OSError:
        pass  # an unwritable cache only costs a rebuild next time
    return index
