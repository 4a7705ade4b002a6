"""Extension methods of well-known packages (`context.watch`, `context.go`) used unimported."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.libraries import Family
from pipeline.checks.packages import import_hint, package_of
from pipeline.checks.parsing import position
from pipeline.checks.project import Project
from pipeline.checks.scope import Namespace

RECEIVER = "context"
"""These packages extend BuildContext, which Flutter code names `context` by convention."""
EXTENSION_MEMBERS = {
    "watch": "provider",
    "read": "provider",
    "select": "provider",
    "go": "go_router",
    "goNamed": "go_router",
    "push": "go_router",
    "pushNamed": "go_router",
    "pushReplacement": "go_router",
}
"""BuildContext has no member of these names; each comes from that package's extension."""
ALSO_PROVIDED_BY = {"provider": frozenset({"provider", "flutter_bloc"}),
                    "go_router": frozenset({"go_router"})}
MESSAGE = "Undefined method '{receiver}.{member}': import '{uri}'"


def unimported_extensions(
    project: Project, path: str, namespace: Namespace
) -> Iterator[Diagnostic]:
    """`context.watch<T>()` in a file that cannot see package:provider, and the like."""
    if any(o.library.family == Family.UNKNOWN for o in namespace.openings):
        return
    seen_packages = {package_of(o.library.uri) for o in namespace.openings}
    reported: set[str] = set()
    for use in project.dart[path].names.members:
        package = EXTENSION_MEMBERS.get(use.member)
        if use.receiver != RECEIVER or package is None or use.member in reported:
            continue
        if seen_packages & ALSO_PROVIDED_BY[package] or use.member in project.member_names:
            continue
        if use.member in project.declarers:
            continue
        reported.add(use.member)
        line, column = position(use.node)
        yield Diagnostic(path, line, column, "missing-import", ERROR,
                         MESSAGE.format(receiver=use.receiver, member=use.member,
                                        uri=import_hint(package)))
