"""pipeline.checks.sdk_index: an index built from an SDK's own sources, found and cached."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.checks.sdk_index import build_index, find_sdk, load_sdk_index


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def flutter_root(tmp_path: Path) -> Path:
    """A miniature Flutter SDK laid out like the real one."""
    root = tmp_path / "flutter"
    sdk = root / "bin" / "cache" / "dart-sdk"
    write(root / "version", "3.99.0\n")
    write(sdk / "version", "3.9.0\n")
    write(sdk / "lib" / "core" / "core.dart",
          "library dart.core;\npart 'string.dart';\nclass Object {}\nvoid print(Object? o) {}\n"
          "class _Hidden {}\n")
    write(sdk / "lib" / "core" / "string.dart", "part of dart.core;\nabstract class String {}\n")
    write(sdk / "lib" / "async" / "async.dart", "class Completer<T> {}\nvoid unawaited(f) {}\n")
    write(root / "bin" / "cache" / "pkg" / "sky_engine" / "lib" / "ui" / "ui.dart",
          "class Color {}\nclass Offset {}\n")
    flutter = root / "packages" / "flutter" / "lib"
    write(flutter / "widgets.dart",
          "export 'src/widgets/framework.dart';\nexport 'dart:ui' show Color;\n"
          "export 'package:meta/meta.dart' show immutable;\n")
    write(flutter / "src" / "widgets" / "framework.dart",
          "abstract class Widget {}\nabstract class StatelessWidget extends Widget {}\n"
          "typedef WidgetBuilder = Widget Function();\nconst double kMargin = 8;\n")
    write(flutter / "material.dart",
          "export 'widgets.dart' hide kMargin;\nexport 'package:vector_math/v.dart';\n"
          "class Scaffold {}\n")
    write(root / "packages" / "flutter_test" / "lib" / "flutter_test.dart",
          "void testWidgets(String d, Function f) {}\n")
    bin_dir = root / "bin"
    write(bin_dir / "flutter", "#!/bin/sh\n")
    (bin_dir / "flutter").chmod(0o755)
    return root


def test_finds_the_sdk_from_flutter_root_or_path(flutter_root: Path) -> None:
    layout = find_sdk({"FLUTTER_ROOT": str(flutter_root), "PATH": ""})
    assert layout is not None and layout.flutter_root == flutter_root
    layout = find_sdk({"PATH": str(flutter_root / "bin")})
    assert layout is not None and layout.dart_sdk == flutter_root / "bin" / "cache" / "dart-sdk"
    assert find_sdk({"PATH": ""}) is None


def test_index_follows_parts_exports_and_combinators(flutter_root: Path) -> None:
    layout = find_sdk({"FLUTTER_ROOT": str(flutter_root), "PATH": ""})
    assert layout is not None
    libraries = build_index(layout).libraries
    assert libraries["dart:core"] == (frozenset({"Object", "print", "String"}), True)
    assert libraries["dart:async"] == (frozenset({"Completer", "unawaited"}), True)
    widgets, widgets_complete = libraries["package:flutter/widgets.dart"]
    assert widgets == {"Widget", "StatelessWidget", "WidgetBuilder", "kMargin", "Color",
                       "immutable"}
    assert widgets_complete  # the unfollowable meta export has a `show` list
    material, material_complete = libraries["package:flutter/material.dart"]
    assert material == (widgets - {"kMargin"}) | {"Scaffold"}
    assert not material_complete  # vector_math cannot be followed and has no `show`
    assert libraries["package:flutter_test/flutter_test.dart"][0] == {"testWidgets"}


def test_index_is_cached_by_sdk_fingerprint(flutter_root: Path, tmp_path: Path) -> None:
    env = {"FLUTTER_ROOT": str(flutter_root), "PATH": "", "XDG_CACHE_HOME": str(tmp_path / "c")}
    first = load_sdk_index(env)
    assert first is not None
    [cache] = list((tmp_path / "c" / "code-factory").glob("sdk-index-*.json"))
    data = json.loads(cache.read_text())
    assert sorted(data["dart:core"][0]) == ["Object", "String", "print"]
    data["dart:core"][0].append("FromCache")
    cache.write_text(json.dumps(data))
    second = load_sdk_index(env)
    assert second is not None and "FromCache" in second.libraries["dart:core"][0]
    (flutter_root / "version").write_text("4.0.0\n")
    third = load_sdk_index(env)
    assert third is not None and "FromCache" not in third.libraries["dart:core"][0]
