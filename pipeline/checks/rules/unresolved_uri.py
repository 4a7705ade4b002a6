"""unresolved-import, unresolved-part: a directive whose URI leads nowhere.

Why: the analyzer reports `uri_does_not_exist` for a project file that is not there and for a
`dart:` or `package:flutter/` library that does not exist, and `import_of_non_library` for an
import of a part file. A `part` that a code generator writes (`user.g.dart`) is only a warning:
it appears once build_runner runs. URIs of other packages are never judged here. A conditional
import (`import 'a.dart' if (dart.library.io) 'b.dart';`) is missing only when none of its
URIs leads to a file.

Example::

    import 'nowhere.dart';   // error: Target of URI doesn't exist: 'nowhere.dart'
    part 'user.g.dart';      // warning: Target of URI hasn't been generated: ...
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, WARNING, Diagnostic
from pipeline.checks.directives import Directive, Kind
from pipeline.checks.libraries import library_exists
from pipeline.checks.parsing import position
from pipeline.checks.project import Project
from pipeline.checks.rules.base import FileRule

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


def _configured_exists(project: Project, path: str, directive: Directive) -> bool:
    """Whether one of a conditional directive's other URIs names a project file."""
    return any(project.resolve(path, uri) in project.dart for uri in directive.configured)


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Diagnostics for the directives of one file."""
    project = analysis.project
    kinds = (Kind.IMPORT, Kind.EXPORT, Kind.PART)
    for directive, target in project.targets(path, kinds):
        uri = directive.uri
        if target is None:
            sdk = uri.startswith("dart:") or uri.startswith("package:flutter/")
            if sdk and not library_exists(uri):
                yield _at(path, directive, "unresolved-import", ERROR,
                          UNKNOWN_LIBRARY.format(uri=uri))
        elif target not in project.dart:
            if _configured_exists(project, path, directive):
                continue
            if directive.kind == Kind.PART and uri.endswith(GENERATED_SUFFIXES):
                yield _at(path, directive, "unresolved-part", WARNING,
                          NOT_GENERATED.format(uri=uri))
            else:
                rule = "unresolved-part" if directive.kind == Kind.PART else "unresolved-import"
                yield _at(path, directive, rule, ERROR, MISSING_TARGET.format(uri=uri))
        elif directive.kind != Kind.PART and project.library_of.get(target) != target:
            yield _at(path, directive, "unresolved-import", ERROR, NOT_A_LIBRARY.format(uri=uri))


RULE = FileRule(("unresolved-import", "unresolved-part"), check)
