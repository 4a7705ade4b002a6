"""The two shapes a rule takes: one that judges a file, one that judges the whole project."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import Diagnostic


@dataclass(frozen=True)
class FileRule:
    """A rule run once per Dart file; `codes` are the `rule` values its diagnostics carry."""

    codes: tuple[str, ...]
    check: Callable[[Analysis, str], Iterable[Diagnostic]]


@dataclass(frozen=True)
class ProjectRule:
    """A rule run once per project (pubspec.yaml, the file layout)."""

    codes: tuple[str, ...]
    check: Callable[[Analysis], Iterable[Diagnostic]]
