"""Import, export and part URIs that lead nowhere: missing files and unknown SDK libraries."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.diagnostic import ERROR, WARNING, Diagnostic
from pipeline.checks.directives import Directive, Kind
from pipeline.checks.libraries import library_exists
from pipeline.checks.parsing import position
from pipeline.checks.project import Project

GENERATED_SUFFIXES = (".g.dart", ".freezed.dart", ".gr.dart", ".config.dart", ".mocks.dart",
                      ".gen.dart")
"""Parts that code generators (build_runner) write; absent until the generator runs."""
MISSING_TARGET = "Target of URI doesn't exist: '{uri}'"
NOT_GENERATED = "Target of URI hasn't been generated: '{uri}' (run build_runner)"
UNKNOWN_LIBRARY = "Unknown library: '{uri}'"
NOT_A_LIBRARY = "'{uri}' is a part file; import the library that includes it"


def _at(path: str, directive: Directive, rule: str, severity: str, message: str) -> Diagnostic:
    line, column = position(directive.node)
    return Diagnostic(path, line, column, rule, severity, message)


def check_imports(project: Project, path: str) -> Iterator[Diagnostic]:
    """Diagnostics for the directives of one file."""
    kinds = (Kind.IMPORT, Kind.EXPORT, Kind.PART)
    for directive, target in project.targets(path, kinds):
        uri = directive.uri
        if target is None:
            sdk = uri.startswith("dart:") or uri.startswith("package:flutter/")
            if sdk and not library_exists(uri):
                yield _at(path, directive, "unresolved-import", ERROR,
                          UNKNOWN_LIBRARY.format(uri=uri))
        elif target not in project.dart:
            if directive.kind == Kind.PART and uri.endswith(GENERATED_SUFFIXES):
                yield _at(path, directive, "unresolved-part", WARNING,
                          NOT_GENERATED.format(uri=uri))
            else:
                rule = "unresolved-part" if directive.kind == Kind.PART else "unresolved-import"
                yield _at(path, directive, rule, ERROR, MISSING_TARGET.format(uri=uri))
        elif directive.kind != Kind.PART and project.library_of.get(target) != target:
            yield _at(path, directive, "unresolved-import", ERROR, NOT_A_LIBRARY.format(uri=uri))


def imports_of(project: Project, path: str) -> set[str]:
    """Project files that `path` imports or exports and that exist."""
    if path not in project.dart:
        return set()
    return {
        target
        for _directive, target in project.targets(path, (Kind.IMPORT, Kind.EXPORT))
        if target is not None and target in project.dart
    }
