"""The whole static check of a Flutter project, from a file map or from a directory."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from pipeline.checks.analysis import Analysis
from pipeline.checks.analyzer import run_analyzer
from pipeline.checks.collector import collector_paused
from pipeline.checks.diagnostic import Diagnostic, sort_key
from pipeline.checks.exclusions import Exclusions
from pipeline.checks.rules import DEFAULT_RULES, FACTORY_RULES, FileRule, ProjectRule

SKIPPED_DIRS = frozenset({".dart_tool", "build", ".git", ".idea", ".vscode", "ios", "android",
                          "macos", "linux", "windows", "web", ".fvm", ".pub-cache"})
"""Directories whose contents are generated, vendored or platform code, never checked, except
inside a lib/ folder: there a folder's name says nothing (lib/src/web/ is plain Dart)."""
READ_SUFFIXES = (".dart", ".arb")
READ_NAMES = frozenset({"pubspec.yaml", "pubspec.lock", "analysis_options.yaml", "l10n.yaml"})
"""What a check reads besides Dart: each package's manifest, lockfile, options and l10n inputs."""


def run_rules(
    analysis: Analysis, rules: Iterable[FileRule | ProjectRule], wanted: Collection[str]
) -> list[Diagnostic]:
    """Every diagnostic the rules find, file rules only over the `wanted` Dart files."""
    file_rules = [r for r in rules if isinstance(r, FileRule)]
    found: list[Diagnostic] = []
    for path in analysis.project.dart:
        if path in wanted:
            for rule in file_rules:
                found.extend(rule.check(analysis, path))
    for project_rule in rules:
        if isinstance(project_rule, ProjectRule):
            found.extend(project_rule.check(analysis))
    return found


def check_files(
    files: Mapping[str, str], only: Collection[str] | None = None, *, factory_rules: bool = False
) -> list[Diagnostic]:
    """What `flutter analyze` would report for the project as given (plus, with
    `factory_rules`, the factory's own rules); `only` limits which paths are reported, and
    files that analysis_options.yaml excludes are never reported."""
    with collector_paused():
        # The analysis is gone when the collector resumes, so its next pass has little to walk.
        return _checked(files, only, factory_rules)


def _checked(files: Mapping[str, str], only: Collection[str] | None,
             factory_rules: bool) -> list[Diagnostic]:
    analysis = Analysis(files)
    exclusions = Exclusions(files)
    wanted = exclusions.judged(set(files) if only is None else set(only))
    rules = (*DEFAULT_RULES, *FACTORY_RULES) if factory_rules else DEFAULT_RULES
    found = run_rules(analysis, rules, wanted)
    unique = {
        d: None for d in found
        if (d.file in wanted or only is None) and not exclusions.excludes(d.file)
        and d.file not in analysis.project.synthesized
    }
    return sorted(unique, key=sort_key)


def read_project(root: Path) -> dict[str, str]:
    """The files of a project a check reads: Dart sources, each package's pubspec, lockfile,
    analysis options and localization inputs, and the names under .github."""
    files: dict[str, str] = {}
    for directory, dirnames, filenames in os.walk(root):
        # Prune in place so generated trees (build/, .dart_tool/) are never even listed.
        in_lib = "lib" in Path(directory).relative_to(root).parts
        dirnames[:] = sorted(d for d in dirnames if in_lib or d not in SKIPPED_DIRS)
        for filename in sorted(filenames):
            path = Path(directory) / filename
            posix = path.relative_to(root).as_posix()
            if posix.startswith(".github/"):
                files[posix] = ""
            elif path.suffix in READ_SUFFIXES or filename in READ_NAMES:
                files[posix] = path.read_text(encoding="utf-8", errors="replace")
    return files


def check_directory(root: Path, *, factory_rules: bool = False) -> list[Diagnostic]:
    """Check a project on disk, merging the SDK analyzer's findings when an SDK is installed."""
    found = check_files(read_project(root), factory_rules=factory_rules)
    seen = {(d.file, d.line, d.message) for d in found}
    for diagnostic in run_analyzer(root):
        if (diagnostic.file, diagnostic.line, diagnostic.message) not in seen:
            found.append(diagnostic)
    return sorted(found, key=sort_key)
