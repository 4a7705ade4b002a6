"""pipeline.checks on published-style code: what the analyzer accepts gets no error here."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.bench.check import BIG_FILE_BYTES, FRAMEWORK, corpora, generated_file
from pipeline.checks import check_files
from pipeline.checks.checker import read_project
from tests.pubspecs import app_pubspec

DART_SOURCES = Path(__file__).resolve().parents[1].parent / "shared" / "dart-sources"
EXAMPLES_API = DART_SOURCES / "flutter" / "examples" / "api"
PUBLISHED_PACKAGES = (
    "packages/go_router",
    "packages/provider",
    "packages/shared_preferences",
    "packages/shared_preferences_platform_interface",
    "packages/matcher",
    "packages/test_api",
    "flutter/packages/flutter_test",
)
"""Published packages kept analyzer-clean upstream, each judged as a package. The framework
itself (flutter/packages/flutter, about 700 files) is too slow for the suite: its errors are a
row of `factory bench check` instead."""
PUBSPEC = app_pubspec("collection: ^1.18.0")


def errors_in(files: dict[str, str]) -> list[str]:
    return [str(d) for d in check_files({"pubspec.yaml": PUBSPEC, **files})
            if d.severity == "error"]


def test_a_capitalised_name_before_a_dot_is_a_type_not_a_prefix() -> None:
    assert errors_in({"lib/a.dart": (
        "import 'package:flutter/material.dart';\n\n"
        "final WidgetStateColor c = WidgetStateColor.resolveWith((_) => Colors.red);\n"
        "Object pick(SelectionEventType t) => switch (t) {\n"
        "  SelectionEventType.startEdgeUpdate => 1,\n  _ => 2,\n};\n"
    )}) == []


def test_a_typed_for_in_variable_is_declared() -> None:
    """Not read as a use of another library's top-level `text`."""
    assert errors_in({"lib/b.dart": "const text = 'b';\n", "lib/a.dart": (
        "import 'package:flutter/material.dart';\n\n"
        "Widget column(List<String> texts) {\n"
        "  final children = <Widget>[];\n"
        "  for (final String text in texts) {\n    children.add(Text(text));\n  }\n"
        "  return Column(children: children);\n}\n"
    )}) == []


def test_package_collection_reexports_the_unmodifiable_views() -> None:
    assert errors_in({"lib/a.dart": (
        "import 'package:collection/collection.dart';\n\n"
        "final List<int> xs = UnmodifiableListView<int>([1]);\n"
    )}) == []


UNINDEXED_PUBSPEC = PUBSPEC.replace("  collection: ^1.18.0\n", "".join(
    f"  {package}: any\n"
    for package in ("collection", "meta", "vector_math", "characters", "material_color_utilities",
                    "web")))


def test_names_of_packages_the_index_lacks_are_never_errors() -> None:
    """The framework's own dependencies that ../shared does not hold, used as it uses them:
    directly, and through the names Flutter re-exports from them."""
    found = [str(d) for d in check_files({"pubspec.yaml": UNINDEXED_PUBSPEC, "lib/shape.dart": (
        "import 'package:characters/characters.dart';\n"
        "import 'package:collection/collection.dart';\n"
        "import 'package:flutter/material.dart';\n"
        "import 'package:material_color_utilities/material_color_utilities.dart';\n"
        "import 'package:meta/meta.dart' show internal, useResult;\n"
        "import 'package:vector_math/vector_math_64.dart' show Quad;\n"
        "import 'package:web/web.dart' as web;\n\n"
        "@immutable\nclass Shape {\n  const Shape(this.points);\n\n"
        "  final List<Vector3> points;\n\n"
        "  @useResult\n  Shape moved(Matrix4 m) => Shape(points.map(m.transformed3).toList());\n\n"
        "  @internal\n"
        "  bool same(Shape o) => const ListEquality<Vector3>().equals(points, o.points);\n\n"
        "  Quad bounds() => Quad.points(points[0], points[1], points[2], points[3]);\n"
        "  int get glyphs => 'h\u00e9llo'.characters.length + Characters('x').length;\n"
        "  int tone() => Hct.fromInt(0xff6750a4).toInt();\n"
        "  String agent() => web.window.navigator.userAgent;\n\n"
        "  @protected\n  @visibleForTesting\n"
        "  Matrix4 tilt() => Matrix4.identity()..setEntry(3, 2, 0.001)..rotateX(0.1);\n}\n\n"
        "final PriorityQueue<int> queue = PriorityQueue<int>();\n"
    )})]
    assert found == []


@pytest.mark.skipif(not EXAMPLES_API.is_dir(), reason=f"{EXAMPLES_API} (../shared) is absent")
def test_flutter_api_examples_have_no_errors() -> None:
    """About 600 samples and their tests, analyzer-clean in Flutter's CI."""
    found = [str(d) for d in check_files(read_project(EXAMPLES_API)) if d.severity == "error"]
    assert found == []


@pytest.mark.skipif(not DART_SOURCES.is_dir(), reason=f"{DART_SOURCES} (../shared) is absent")
@pytest.mark.parametrize("package", PUBLISHED_PACKAGES)
def test_published_packages_have_no_errors(package: str) -> None:
    """Every error here is a false one: upstream CI keeps these packages analyzer-clean, and a
    dependency our copy lacks (package:meta, package:collection, ...) must stay silent."""
    found = [str(d) for d in check_files(read_project(DART_SOURCES / package))
             if d.severity == "error"]
    assert found == []


@pytest.mark.skipif(not FRAMEWORK.is_dir(), reason=f"{FRAMEWORK} (../shared) is absent")
def test_the_bench_counts_the_frameworks_errors_without_timing_each_file() -> None:
    assert ("flutter/packages/flutter", FRAMEWORK, False) in corpora()


def test_the_bench_generated_file_is_three_megabytes_of_clean_dart() -> None:
    text = generated_file(20_000)
    assert 20_000 <= len(text) < 21_000
    assert errors_in({"lib/glyphs.dart": text}) == []
    assert BIG_FILE_BYTES == 3_000_000


def test_a_part_sees_its_librarys_import_prefixes() -> None:
    assert errors_in({
        "lib/icons.dart": "import 'dart:ui' as ui;\n\npart 'src/paths.dart';\n",
        "lib/src/paths.dart": (
            "part of '../icons.dart';\n\nfinal ui.Offset origin = ui.Offset.zero;\n"),
    }) == []
