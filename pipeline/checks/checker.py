"""The whole static check of a Flutter project, from a file map or from a directory."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from pathlib import Path

from pipeline.checks.analyzer import run_analyzer
from pipeline.checks.constructors import mismatched_constructors
from pipeline.checks.diagnostic import Diagnostic, sort_key
from pipeline.checks.extensions import unimported_extensions
from pipeline.checks.imports import check_imports
from pipeline.checks.names import NameCheck
from pipeline.checks.parsing import syntax_errors
from pipeline.checks.project import Project
from pipeline.checks.pubspec import check_pubspec
from pipeline.checks.rules import project_rules

SKIPPED_DIRS = frozenset({".dart_tool", "build", ".git", ".idea", ".vscode", "ios", "android",
                          "macos", "linux", "windows", "web", ".fvm", ".pub-cache"})
"""Directories whose contents are generated, vendored or platform code, never checked."""
READ_SUFFIXES = (".dart", ".yaml", ".yml")
ROOT_FILES = ("pubspec.yaml", "analysis_options.yaml")


def check_files(files: Mapping[str, str], only: Collection[str] | None = None) -> list[Diagnostic]:
    """Every diagnostic for the project as given; `only` limits which paths are reported."""
    project = Project(files)
    wanted = set(files) if only is None else set(only)
    found: list[Diagnostic] = []
    names = NameCheck(project)
    for path, dart in project.dart.items():
        if path not in wanted:
            continue
        errors = syntax_errors(path, dart.tree)
        found.extend(errors)
        found.extend(check_imports(project, path))
        found.extend(names.check(path))
        found.extend(mismatched_constructors(path, dart.tree))
        library = project.library_of.get(path)
        if library is not None:
            found.extend(unimported_extensions(project, path, names.visible(library)))
    found.extend(check_pubspec(project))
    found.extend(project_rules(files))
    unique = {d: None for d in found if d.file in wanted or only is None}
    return sorted(unique, key=sort_key)


def read_project(root: Path) -> dict[str, str]:
    """The files of a project a check reads: pubspec, analysis options, Dart sources, .github."""
    files: dict[str, str] = {}
    for directory, dirnames, filenames in os.walk(root):
        # Prune in place so generated trees (build/, .dart_tool/) are never even listed.
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for filename in sorted(filenames):
            path = Path(directory) / filename
            posix = path.relative_to(root).as_posix()
            if posix.startswith(".github/"):
                files[posix] = ""
            elif path.suffix == ".dart" or posix in ROOT_FILES:
                files[posix] = path.read_text(encoding="utf-8", errors="replace")
    return files


def check_directory(root: Path) -> list[Diagnostic]:
    """Check a project on disk, merging the SDK analyzer's findings when an SDK is installed."""
    found = check_files(read_project(root))
    seen = {(d.file, d.line, d.message) for d in found}
    for diagnostic in run_analyzer(root):
        if (diagnostic.file, diagnostic.line, diagnostic.message) not in seen:
            found.append(diagnostic)
    return sorted(found, key=sort_key)
