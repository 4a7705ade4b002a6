"""pubspec-*: the fields `flutter pub get` needs, and packages imported but not declared.

Why: without a readable pubspec.yaml with a valid `name:` and an `environment: sdk:` constraint,
`pub get` fails and nothing resolves; an imported package that does not resolve is the
analyzer's `uri_does_not_exist`. Every directory with a pubspec.yaml is its own package, and
each file is judged by the pubspec of its own package. A package that still resolves although
undeclared (in pubspec.lock, or one a declared dependency may pull in: `meta` through flutter)
is only the `depend_on_referenced_packages` lint, so a warning; so is a dev dependency imported
from lib/ or bin/. Outside them (test/, tool/, example/, benchmark/...) dev dependencies serve.

Example::

    import 'package:http/http.dart';   // error: Package 'http' is imported but not declared
                                       // under dependencies in pubspec.yaml
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, WARNING, Diagnostic
from pipeline.checks.directives import Kind
from pipeline.checks.gen_l10n import SYNTHETIC_PACKAGE
from pipeline.checks.libraries import SDK_PACKAGES
from pipeline.checks.package_roots import PUBSPEC, PackageRoot, load_pubspec, section
from pipeline.checks.packages import may_come_through, package_of
from pipeline.checks.parsing import position
from pipeline.checks.project import Project
from pipeline.checks.rules.base import ProjectRule

PACKAGE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
IMPLICITLY_USED = frozenset({
    "flutter", "cupertino_icons", "flutter_lints", "lints", "build_runner", "json_serializable",
    "freezed", "flutter_launcher_icons", "flutter_native_splash", "mockito", "flutter_test",
    "integration_test", "flutter_localizations", "sky_engine",
})
"""Packages a project declares without importing them from lib/ (assets, tooling, generators;
sky_engine is the framework's dart:ui)."""
UNDECLARED = "Package '{package}' is imported but not declared under {where} in {pubspec}"
DEV_ONLY = ("Package '{package}' is only a dev dependency in {pubspec}: published code "
            "(lib/, bin/) needs it under dependencies")


def check(analysis: Analysis) -> Iterator[Diagnostic]:
    """Diagnostics for every pubspec.yaml and every package import of the project."""
    project = analysis.project
    roots = list(project.packages)
    if not roots:
        yield Diagnostic(PUBSPEC, 1, 1, "pubspec-missing", ERROR, "pubspec.yaml is missing")
        return
    local = {r.name: frozenset(section(r.pubspec, "dependencies"))
             for r in roots if r.name and r.pubspec is not None}
    for root in roots:
        if root.pubspec is None:
            _data, problem = load_pubspec(project.files[root.pubspec_path] or "")
            yield Diagnostic(root.pubspec_path, 1, 1, "pubspec-invalid", ERROR,
                             f"pubspec.yaml: {problem}")
            continue
        yield from _fields(root.pubspec_path, root.pubspec)
        yield from _dependencies(project, root, root.pubspec, local)


def _fields(pubspec: str, data: dict[str, Any]) -> Iterator[Diagnostic]:
    name = data.get("name")
    if not isinstance(name, str) or not PACKAGE_NAME.match(name):
        yield Diagnostic(pubspec, 1, 1, "pubspec-name", ERROR,
                         "pubspec.yaml needs a 'name:' in lower_case_with_underscores")
    sdk = section(data, "environment").get("sdk")
    if not isinstance(sdk, str) or not sdk.strip():
        yield Diagnostic(pubspec, 1, 1, "pubspec-sdk", ERROR,
                         "pubspec.yaml needs an 'environment: sdk:' constraint, e.g. '^3.5.0'")


def _dependencies(
    project: Project, root: PackageRoot, data: dict[str, Any], local: dict[str, frozenset[str]]
) -> Iterator[Diagnostic]:
    main = set(section(data, "dependencies"))
    dev = set(section(data, "dev_dependencies"))
    used: set[str] = set()
    for path, dart in project.dart.items():
        if project.package_of(path) != root:
            continue
        public = root.is_public(path)
        for directive in dart.directives:
            if directive.kind not in (Kind.IMPORT, Kind.EXPORT):
                continue
            package = package_of(directive.uri)
            if package is None or package == root.name or package == SYNTHETIC_PACKAGE:
                continue
            used.add(package)
            found = _undeclared(root, package, (main, dev), public, local)
            if found is not None:
                severity, message = found
                line, column = position(directive.node)
                yield Diagnostic(path, line, column, "pubspec-missing-dependency", severity,
                                 message)
    pubspec_text = project.files[root.pubspec_path]
    for package in sorted(main - used - IMPLICITLY_USED - SDK_PACKAGES - _endorsed(data)):
        yield Diagnostic(root.pubspec_path, _line_of(pubspec_text, package), 1,
                         "pubspec-unused-dependency", WARNING,
                         f"Package '{package}' is declared but never imported")


def _endorsed(data: dict[str, Any]) -> set[str]:
    """The platform implementations a federated plugin endorses (`default_package:`)."""
    platforms = section(section(section(data, "flutter"), "plugin"), "platforms")
    return {package for platform in platforms.values() if isinstance(platform, dict)
            if isinstance(package := platform.get("default_package"), str)}


def _undeclared(
    root: PackageRoot, package: str, declared: tuple[set[str], set[str]], public: bool,
    local: dict[str, frozenset[str]],
) -> tuple[str, str] | None:
    """How bad an import of `package` is from this root's public or other code, if at all."""
    main, dev = declared
    if package in main or (package in dev and not public):
        return None
    if package in dev:
        return WARNING, DEV_ONLY.format(package=package, pubspec=root.pubspec_path)
    where = "dependencies" if public else "dependencies or dev_dependencies"
    message = UNDECLARED.format(package=package, where=where, pubspec=root.pubspec_path)
    if root.locked is not None:
        resolves = package in root.locked
    else:
        resolves = may_come_through(package, main | dev, local)
    return (WARNING if resolves else ERROR), message


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
