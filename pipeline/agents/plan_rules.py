"""Structural rules every plan must meet; breaking one is an automatic panel rejection."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePosixPath

from pipeline.answers import Plan
from pipeline.conventions import package_problems
from pipeline.dag import find_cycle

ROOT_FILES = frozenset({"pubspec.yaml", "analysis_options.yaml", "README.md", ".gitignore"})
SOURCE_DIRS = ("lib/", "test/")
FORBIDDEN_DIR = ".github/"
SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
"""A file or folder name: ASCII letters, digits, `_`, `-` and `.`, never leading with `.` or `-`."""
MAX_PATH = 200
MAX_SEGMENT = 100


def path_problem(path: str) -> str | None:
    """Why `path` may not be written into a project, or None when it may.

    Paths come from plans and PR comments: they must be relative, inside the project,
    free of `..`, and never under `.github/` (a generated workflow would be a supply-chain hole).
    Names keep to a conservative character set and length, so no newline, colon, right-to-left
    override or hidden `.git` folder reaches a commit, a check table or a shell.
    """
    if not path or path != path.strip():
        return f"path {path!r} is empty or has surrounding spaces"
    if "\\" in path or "\x00" in path:
        return f"path {path!r} must use forward slashes and no control characters"
    pure = PurePosixPath(path)
    if pure.is_absolute():
        return f"path {path!r} must be relative to the project"
    if any(part in ("..", ".", "") for part in path.split("/")):
        return f"path {path!r} must not contain '..', '.' or empty segments"
    if len(path) > MAX_PATH:
        return f"path {path[:40]!r}… is {len(path)} characters long (at most {MAX_PATH})"
    if path.startswith(FORBIDDEN_DIR) or path == FORBIDDEN_DIR.rstrip("/"):
        return f"path {path!r} is under .github/, which the factory never writes"
    if path not in ROOT_FILES and not path.startswith(SOURCE_DIRS):
        return f"path {path!r} is outside lib/, test/ and the root config files"
    if path not in ROOT_FILES:
        for part in path.split("/"):
            if len(part) > MAX_SEGMENT or SEGMENT.fullmatch(part) is None:
                return (f"path {path!r} has a name {part!r} outside letters, digits, '_', '-' "
                        f"and '.' (not leading), at most {MAX_SEGMENT} characters")
    return None


def plan_problems(plan: Plan, min_files: int, max_files: int) -> list[str]:
    """Every structural problem of a plan, each one line a planner can act on."""
    problems: list[str] = []
    paths = [f.path for f in plan.files]
    for path, count in Counter(paths).items():
        if count > 1:
            problems.append(f"{path} is planned {count} times")
    for path in paths:
        if (why := path_problem(path)) is not None:
            problems.append(why)
    planned = set(paths)
    for spec in plan.files:
        for dep in spec.depends_on:
            if dep not in planned:
                problems.append(f"{spec.path} depends on {dep}, which is not in the plan")
            if dep == spec.path:
                problems.append(f"{spec.path} depends on itself")
    cycle = find_cycle({f.path: [d for d in f.depends_on if d != f.path] for f in plan.files})
    if cycle:
        problems.append("dependency cycle: " + " -> ".join(cycle))
    dart = len(plan.dart_files)
    if not min_files <= dart <= max_files:
        problems.append(f"the plan has {dart} Dart files; it must have {min_files}-{max_files}")
    if "lib/main.dart" not in planned:
        problems.append("the plan has no lib/main.dart")
    if "pubspec.yaml" not in planned:
        problems.append("the plan has no pubspec.yaml")
    return problems + package_problems(plan)
