"""pipeline.checks against the shared Flutter/Dart API index: no real name is ever reported.

The index is reference data read from ../shared (relative to the repo root); nothing from it is
shipped. It proves both paths: the shipped API index (no SDK) and an SDK index (built from an
SDK).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.checks import check_files
from pipeline.checks import libraries as libraries_module
from pipeline.checks.api_index import ApiIndex
from pipeline.checks.api_model import Outline
from pipeline.checks.libraries import (
    CLOSED_DART,
    COMPACT_DART,
    FLUTTER_NAMES,
    FLUTTER_TEST_NAMES,
    TEST_ONLY,
)
from pipeline.checks.packages import PACKAGE_NAMES
from pipeline.checks.shipped import shipped_exports
from tests.pubspecs import app_pubspec

INDEX = Path(__file__).resolve().parents[1].parent / "shared" / "flutter-api" / "index.json"
PUBSPEC = app_pubspec(name="probe")
FLUTTER_PREFIX = "package:flutter/"

pytestmark = pytest.mark.skipif(not INDEX.is_file(), reason="shared flutter-api index absent")


@lru_cache(maxsize=1)
def index() -> dict[str, object]:
    data: dict[str, object] = json.loads(INDEX.read_text(encoding="utf-8"))
    return data


def libraries() -> dict[str, list[str]]:
    found = index()["libraries"]
    assert isinstance(found, dict)
    return found


def union() -> set[str]:
    found = index()["union"]
    assert isinstance(found, list)
    return set(found)


def flutter_framework_names() -> set[str]:
    return {n for uri, names in libraries().items() if uri.startswith(FLUTTER_PREFIX)
            for n in names}


def probe(imports: list[str], names: list[str]) -> str:
    """A file that uses every name: as a value in a top-level function, and as a type."""
    lines = [f"import '{uri}';" for uri in imports]
    lines.append("void probe() {")
    lines += [f"  print({name});" for name in sorted(names)]
    lines.append("}")
    types = sorted(n for n in names if n[:1].isupper())
    lines += [f"{name}? field{i};" for i, name in enumerate(types)]
    return "\n".join(lines) + "\n"


def probe_errors(imports: list[str], names: list[str]) -> list[str]:
    path = "test/probe_test.dart"
    files = {"pubspec.yaml": PUBSPEC, path: probe(imports, names)}
    return [d.message for d in check_files(files, only=[path]) if d.severity == "error"]


def shipped_lists() -> Iterator[tuple[str, frozenset[str]]]:
    yield "FLUTTER_NAMES", FLUTTER_NAMES
    yield "FLUTTER_TEST_NAMES", FLUTTER_TEST_NAMES
    for uri, (names, _complete) in COMPACT_DART.items():
        yield uri, names


def test_every_shipped_sdk_name_is_real() -> None:
    # The reference index leaves out package:flutter/widget_previews.dart; the rest is all there.
    real = union() | shipped_exports("package:flutter/widget_previews.dart")
    for list_name, names in shipped_lists():
        assert names - real == set(), list_name


def test_the_shipped_index_knows_the_current_flutter_framework() -> None:
    current = {n for uri, names in libraries().items() if uri.startswith(FLUTTER_PREFIX)
               and "/src/" not in uri for n in names}
    assert current - FLUTTER_NAMES == set()  # the same commit: every name, none missing


def test_complete_dart_lists_cover_the_whole_library() -> None:
    for uri, (names, complete) in COMPACT_DART.items():
        if complete:
            assert set(libraries()[uri]) - names == set(), uri


def test_package_names_are_not_sdk_names() -> None:
    real = union()
    for package, names in PACKAGE_NAMES.items():
        assert names & real == set(), package


def test_flutter_never_exports_what_we_call_closed() -> None:
    flutter = flutter_framework_names()
    assert CLOSED_DART & flutter == set()
    assert TEST_ONLY & flutter == set()


@pytest.mark.parametrize("uri", sorted(json.loads(INDEX.read_text())["libraries"])
                         if INDEX.is_file() else [])
def test_no_name_of_a_library_is_reported_without_the_sdk(uri: str) -> None:
    assert probe_errors([uri], libraries()[uri]) == []


def test_no_name_of_any_flutter_version_is_reported_without_the_sdk() -> None:
    assert probe_errors(sorted(libraries()), sorted(union())) == []


@pytest.fixture
def sdk_from_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiIndex]:
    """Stand in for an index built from an installed SDK (path (a))."""
    outlines = {uri: Outline(tuple(sorted(names))) for uri, names in libraries().items()}
    built = ApiIndex({}, (), outlines)
    libraries_module.sdk_index.cache_clear()
    monkeypatch.setattr(libraries_module, "load_sdk_index", lambda: built)
    yield built
    libraries_module.sdk_index.cache_clear()


@pytest.mark.usefixtures("sdk_from_index")
def test_no_name_is_reported_with_an_sdk_index() -> None:
    for uri, names in libraries().items():
        assert probe_errors([uri], names) == [], uri


@pytest.mark.usefixtures("sdk_from_index")
def test_with_an_sdk_index_any_unknown_name_is_reported() -> None:
    messages = probe_errors(["package:flutter/material.dart"], ["Scaffold", "Sprocket"])
    assert messages == ["Undefined name 'Sprocket'"]
    messages = probe_errors(["package:flutter/foundation.dart"], ["ChangeNotifier", "Scaffold"])
    assert messages == ["Undefined name 'Scaffold': import 'package:flutter/material.dart'"]
