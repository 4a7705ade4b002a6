"""pubspec-*: the fields `flutter pub get` needs, and packages imported but not declared.

Why: without a readable pubspec.yaml with a valid `name:` and an `environment: sdk:` constraint,
`pub get` fails and nothing resolves; an imported package the pubspec does not declare is the
analyzer's `uri_does_not_exist` (a package only the SDK pulls in transitively still resolves,
so it is only a warning, like the `depend_on_referenced_packages` lint).

Example::

    import 'package:http/http.dart';   // error: Package 'http' is imported but not declared
                                       // under dependencies in pubspec.yaml
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, WARNING, Diagnostic
from pipeline.checks.directives import Kind
from pipeline.checks.libraries import SDK_PACKAGES
from pipeline.checks.packages import package_of
from pipeline.checks.parsing import position
from pipeline.checks.project import PUBSPEC, Project
from pipeline.checks.rules.base import ProjectRule

PACKAGE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
IMPLICITLY_USED = frozenset({
    "flutter", "cupertino_icons", "flutter_lints", "lints", "build_runner", "json_serializable",
    "freezed", "flutter_launcher_icons", "flutter_native_splash", "mockito", "flutter_test",
    "integration_test", "flutter_localizations",
})
"""Packages a project declares without importing them from lib/ (assets, tooling, generators)."""
TEST_DIRS = ("test/", "integration_test/", "test_driver/")
SYNTHETIC_PACKAGES = frozenset({"flutter_gen"})
"""Packages `flutter gen-l10n` synthesises; never declared in pubspec.yaml."""
TRANSITIVE_PACKAGES = frozenset({
    "async", "boolean_selector", "characters", "clock", "collection", "fake_async", "matcher",
    "material_color_utilities", "meta", "path", "source_span", "stack_trace", "stream_channel",
    "string_scanner", "term_glyph", "test_api", "vector_math", "vm_service",
})
"""Packages the Flutter SDK itself depends on: importing one undeclared still resolves, so the
analyzer only flags it (depend_on_referenced_packages); we warn alike."""


def load_pubspec(text: str) -> tuple[dict[str, Any] | None, str | None]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return None, " ".join(str(exc).split())
    if not isinstance(data, dict):
        return None, "the top level must be a mapping"
    return data, None


def section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def check(analysis: Analysis) -> Iterator[Diagnostic]:
    """Diagnostics for pubspec.yaml and for every package import the project makes."""
    project = analysis.project
    text = project.files.get(PUBSPEC)
    if text is None:
        yield Diagnostic(PUBSPEC, 1, 1, "pubspec-missing", ERROR, "pubspec.yaml is missing")
        return
    data, problem = load_pubspec(text)
    if data is None:
        yield Diagnostic(PUBSPEC, 1, 1, "pubspec-invalid", ERROR, f"pubspec.yaml: {problem}")
        return
    yield from _fields(data)
    yield from _dependencies(project, data)


def _fields(data: dict[str, Any]) -> Iterator[Diagnostic]:
    name = data.get("name")
    if not isinstance(name, str) or not PACKAGE_NAME.match(name):
        yield Diagnostic(PUBSPEC, 1, 1, "pubspec-name", ERROR,
                         "pubspec.yaml needs a 'name:' in lower_case_with_underscores")
    sdk = section(data, "environment").get("sdk")
    if not isinstance(sdk, str) or not sdk.strip():
        yield Diagnostic(PUBSPEC, 1, 1, "pubspec-sdk", ERROR,
                         "pubspec.yaml needs an 'environment: sdk:' constraint, e.g. '^3.5.0'")


def _dependencies(project: Project, data: dict[str, Any]) -> Iterator[Diagnostic]:
    main = set(section(data, "dependencies"))
    dev = set(section(data, "dev_dependencies"))
    own = data.get("name")
    used: set[str] = set()
    for path, dart in project.dart.items():
        allowed = main | dev if path.startswith(TEST_DIRS) else main
        for directive in dart.directives:
            if directive.kind not in (Kind.IMPORT, Kind.EXPORT):
                continue
            package = package_of(directive.uri)
            if package is None or package == own or package in SYNTHETIC_PACKAGES:
                continue
            used.add(package)
            if package not in allowed:
                where = "dev_dependencies" if path.startswith(TEST_DIRS) else "dependencies"
                severity = WARNING if package in TRANSITIVE_PACKAGES else ERROR
                line, column = position(directive.node)
                yield Diagnostic(path, line, column, "pubspec-missing-dependency", severity,
                                 f"Package '{package}' is imported but not declared under "
                                 f"{where} in pubspec.yaml")
    for package in sorted(main - used - IMPLICITLY_USED - SDK_PACKAGES):
        yield Diagnostic(PUBSPEC, _line_of(project.files[PUBSPEC], package), 1,
                         "pubspec-unused-dependency", WARNING,
                         f"Package '{package}' is declared but never imported")


def _line_of(text: str, key: str) -> int:
    pattern = re.compile(rf"^\s+{re.escape(key)}\s*:")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 1


RULE = ProjectRule(
    ("pubspec-missing", "pubspec-invalid", "pubspec-name", "pubspec-sdk",
     "pubspec-missing-dependency", "pubspec-unused-dependency"),
    check,
)
