"""Dart/Flutter static checks that catch what `flutter analyze` would, without the SDK.

One path, one direction; each layer only asks the ones above it in this list:

1. parse: `parsing` (tree-sitter-dart trees), `file_query` (the one query each file is
   searched with, joining every module's patterns), `directives`, `declarations`, `usages`,
   `chains` (expressions as a head and its steps), `locals` (what each member declares);
2. library graph: `project` (files, libraries and their parts, where each URI leads);
3. scopes and declarations: `scope` (what each library can name), `analysis` (the one object
   rules read);
4. what we know of other libraries: `libraries`, `packages`, the API index (`api_*`, `shipped`),
   the project's own libraries in it (`project_api`), and from them the static type of evident
   receivers (`receivers`); `removed` lists what Flutter removed, `suggest` words the fixes;
5. rules: `rules/`, one module per rule (its docstring says how to add one);

and `checker` runs the rules over a file map or a directory, with the cyclic garbage
collector paused (`collector`).
"""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.checks.checker import check_directory, check_files
from pipeline.checks.diagnostic import ERROR, INFO, WARNING, Diagnostic, has_errors
from pipeline.checks.project import Project
from pipeline.checks.rules.factory_rules import project_rules


def declared_names(files: Mapping[str, str]) -> dict[str, set[str]]:
    """Each Dart file's top-level declared names (private ones included)."""
    project = Project(files)
    return {path: {d.name for d in dart.declarations} for path, dart in project.dart.items()}


def imports_of(path: str, files: Mapping[str, str]) -> set[str]:
    """Project paths that `path` imports or exports, resolved, that exist in `files`."""
    return Project(files).imports_of(path)


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
