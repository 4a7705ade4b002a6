"""Dart/Flutter static checks that catch what `flutter analyze` would, without the SDK."""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.checks.checker import check_directory, check_files
from pipeline.checks.diagnostic import ERROR, INFO, WARNING, Diagnostic, has_errors
from pipeline.checks.imports import imports_of as _imports_of
from pipeline.checks.project import Project
from pipeline.checks.rules import project_rules


def declared_names(files: Mapping[str, str]) -> dict[str, set[str]]:
    """Each Dart file's top-level declared names (private ones included)."""
    project = Project(files)
    return {path: {d.name for d in dart.declarations} for path, dart in project.dart.items()}


def imports_of(path: str, files: Mapping[str, str]) -> set[str]:
    """Project paths that `path` imports or exports, resolved, that exist in `files`."""
    return _imports_of(Project(files), path)


__all__ = [
    "ERROR",
    "INFO",
    "WARNING",
    "Diagnostic",
    "check_directory",
    "check_files",
    "declared_names",
    "has_errors",
    "imports_of",
    "project_rules",
]
