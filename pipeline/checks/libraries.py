"""What we know about libraries outside the project: the Dart SDK, Flutter, pub packages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from pipeline.checks import known_names as known
from pipeline.checks.packages import (
    FLUTTER_FREE_PACKAGES,
    PACKAGE_NAMES,
    SDK_REEXPORTS,
    package_of,
)
from pipeline.checks.sdk_index import SdkIndex, load_sdk_index

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

COMPACT_DART: dict[str, tuple[frozenset[str], bool]] = {
    "dart:core": (known.DART_CORE, True),
    "dart:async": (known.DART_ASYNC, True),
    "dart:math": (known.DART_MATH, True),
    "dart:convert": (known.DART_CONVERT, True),
    "dart:collection": (known.DART_COLLECTION, True),
    "dart:isolate": (known.DART_ISOLATE, True),
    "dart:typed_data": (known.DART_TYPED_DATA, False),
    "dart:io": (known.DART_IO, False),
    "dart:developer": (known.DART_DEVELOPER, False),
    "dart:ui": (known.FLUTTER, False),
}
"""Our own lists, and whether each is the library's complete public API."""
CLOSED_DART = frozenset(
    known.DART_ASYNC | known.DART_MATH | known.DART_CONVERT | known.DART_COLLECTION
    | known.DART_ISOLATE
) - known.DART_CORE - known.FLUTTER
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
            return name not in known.FLUTTER and name not in TEST_ONLY
        return package_of(self.uri) not in FLUTTER_FREE_PACKAGES or name not in ALL_SDK_NAMES


ALL_PACKAGE_NAMES = frozenset().union(*PACKAGE_NAMES.values())
FLUTTER_TEST_PREFIX = "package:flutter_test/"
TEST_ONLY = known.FLUTTER_TEST - known.FLUTTER
ALL_SDK_NAMES = frozenset(
    known.FLUTTER | known.FLUTTER_TEST | frozenset().union(*(n for n, _ in COMPACT_DART.values()))
)


def external(uri: str, index: SdkIndex | None = None) -> External:
    """Our knowledge of one library; the SDK's own index wins where we have one."""
    if index is not None and uri in index.libraries:
        names, complete = index.libraries[uri]
        family = Family.DART if uri.startswith("dart:") else Family.FLUTTER
        return External(uri, names, complete, family)
    if uri in COMPACT_DART:
        names, complete = COMPACT_DART[uri]
        family = Family.FLUTTER if uri == "dart:ui" else Family.DART
        return External(uri, names, complete, family)
    package = package_of(uri)
    if package == "flutter":
        return External(uri, known.FLUTTER, False, Family.FLUTTER)
    if package == "flutter_test":
        return External(uri, known.FLUTTER_TEST, False, Family.FLUTTER)
    if package in PACKAGE_NAMES:
        names = PACKAGE_NAMES[package] | SDK_REEXPORTS.get(package, frozenset())
        return External(uri, names, False, Family.PACKAGE)
    return External(uri, frozenset(), False, Family.UNKNOWN)


@lru_cache(maxsize=1)
def sdk_index() -> SdkIndex | None:
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
    if name in known.FLUTTER:
        return "package:flutter/material.dart"
    if name in known.FLUTTER_TEST:
        return "package:flutter_test/flutter_test.dart"
    for package, names in PACKAGE_NAMES.items():
        if name in names:
            return f"package:{package}/{package}.dart"
    return None
