"""What we know about libraries outside the project: the Dart SDK, Flutter, pub packages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from pipeline.checks.api_index import ApiIndex
from pipeline.checks.api_load import load_sdk_index
from pipeline.checks.known_names import OLDER_FLUTTER
from pipeline.checks.packages import (
    FLUTTER_FREE_PACKAGES,
    PACKAGE_NAMES,
    SDK_REEXPORTS,
    package_of,
)
from pipeline.checks.shipped import shipped_exports

DART_LIBRARIES = frozenset("""
    async cli collection convert core developer ffi html indexed_db io isolate js js_interop
    js_interop_unsafe js_util math mirrors nativewrappers svg typed_data ui ui_web web_audio
    web_gl web_sql
""".split())
"""Every `dart:` library a Flutter or Dart program may import."""
FLUTTER_LIBRARIES = frozenset("""
    animation cupertino foundation gestures material painting physics rendering scheduler
    semantics services widgets widget_previews
""".split())
SDK_PACKAGES = frozenset({"flutter", "flutter_test", "flutter_localizations", "flutter_driver",
                          "flutter_web_plugins", "integration_test"})
"""Packages that come with the Flutter SDK (declared with `sdk: flutter`)."""



FLUTTER_NAMES = frozenset().union(
    *(shipped_exports(f"package:flutter/{name}.dart") for name in FLUTTER_LIBRARIES),
    shipped_exports("dart:ui"),
)
"""Every name the Flutter framework libraries and dart:ui export."""
FLUTTER_TEST_NAMES = shipped_exports("package:flutter_test/flutter_test.dart")
COMPLETE_DART = ("dart:core", "dart:async", "dart:math", "dart:convert", "dart:collection",
                 "dart:isolate")
"""The `dart:` libraries whose whole API the shipped index holds (their API is stable since
Dart 3.2, the version of the published sources); the others may have grown since."""
COMPACT_DART: dict[str, tuple[frozenset[str], bool]] = {
    uri: (shipped_exports(uri), uri in COMPLETE_DART and bool(shipped_exports(uri)))
    for uri in (*COMPLETE_DART, "dart:typed_data", "dart:io", "dart:developer", "dart:ffi",
                "dart:js_interop", "dart:ui")
}
"""What the shipped index knows each `dart:` library exports, and whether that is all."""
CLOSED_DART = frozenset().union(
    *(COMPACT_DART[uri][0] for uri in COMPLETE_DART if uri != "dart:core")
) - COMPACT_DART["dart:core"][0] - FLUTTER_NAMES
"""Names only those complete `dart:` libraries export: Flutter never re-exports them."""


class Family(StrEnum):
    DART = "dart"
    FLUTTER = "flutter"
    PACKAGE = "package"  # a pub package we have a (partial) list for
    UNKNOWN = "unknown"  # anything else: it may export any name


@dataclass(frozen=True)
class External:
    """A library outside the project: the names we know it exports, and whether that is all."""

    uri: str
    names: frozenset[str]
    complete: bool
    family: Family

    def may_export(self, name: str) -> bool:
        """Whether this library could export a name we do not list for it."""
        if self.complete or name in self.names:
            return name in self.names
        if self.family == Family.UNKNOWN:
            return True
        if name in CLOSED_DART or name in ALL_PACKAGE_NAMES:
            return False  # only their own library exports those
        if self.family == Family.FLUTTER:
            # The framework libraries never export flutter_test's names.
            return self.uri.startswith(FLUTTER_TEST_PREFIX) or name not in TEST_ONLY
        if self.family == Family.DART:
            return name not in FLUTTER_NAMES and name not in TEST_ONLY
        return package_of(self.uri) not in FLUTTER_FREE_PACKAGES or name not in ALL_SDK_NAMES


ALL_PACKAGE_NAMES = frozenset().union(*PACKAGE_NAMES.values())
FLUTTER_TEST_PREFIX = "package:flutter_test/"
TEST_ONLY = FLUTTER_TEST_NAMES - FLUTTER_NAMES
ALL_SDK_NAMES = frozenset(
    FLUTTER_NAMES | FLUTTER_TEST_NAMES | OLDER_FLUTTER
    | frozenset().union(*(n for n, _ in COMPACT_DART.values()))
)


def external(uri: str, index: ApiIndex | None = None) -> External:
    """Our knowledge of one library; a local SDK's own index wins where it has the library."""
    if index is not None and index.outline(uri) is not None:
        family = Family.DART if uri.startswith("dart:") else Family.FLUTTER
        return External(uri, frozenset(index.exports(uri)), index.exports_complete(uri), family)
    if uri in COMPACT_DART:
        names, complete = COMPACT_DART[uri]
        family = Family.FLUTTER if uri == "dart:ui" else Family.DART
        return External(uri, names, complete, family)
    package = package_of(uri)
    if package in ("flutter", "flutter_test"):
        return External(uri, shipped_exports(uri) | FLUTTER_NAMES if package == "flutter" else
                        shipped_exports(uri) | FLUTTER_TEST_NAMES, False, Family.FLUTTER)
    if package in PACKAGE_NAMES:
        names = PACKAGE_NAMES[package] | SDK_REEXPORTS.get(package, frozenset())
        return External(uri, names | shipped_exports(uri), False, Family.PACKAGE)
    return External(uri, shipped_exports(uri), False, Family.UNKNOWN)


@lru_cache(maxsize=1)
def sdk_index() -> ApiIndex | None:
    """The index built from an installed SDK's sources, when an SDK is installed."""
    return load_sdk_index()


def library_exists(uri: str) -> bool:
    """Whether a `dart:` or `package:flutter/` URI names a real library."""
    if uri.startswith("dart:"):
        return uri[len("dart:") :] in DART_LIBRARIES
    rest = uri[len("package:flutter/") :]
    return rest.startswith("src/") or rest.removesuffix(".dart") in FLUTTER_LIBRARIES


def home_of(name: str) -> str | None:
    """The import that brings a well-known name into scope, if we know one."""
    for uri, (names, _complete) in COMPACT_DART.items():
        if name in names and uri not in ("dart:core", "dart:ui"):
            return uri
    if name in FLUTTER_NAMES:
        return "package:flutter/material.dart"
    if name in FLUTTER_TEST_NAMES:
        return "package:flutter_test/flutter_test.dart"
    for package, names in PACKAGE_NAMES.items():
        if name in names:
            return f"package:{package}/{package}.dart"
    return None
