"""missing-import (extension members): `context.watch`, `context.go` without their package.

Why: BuildContext has no member `watch` or `go`; they come from package:provider's and
package:go_router's extensions, which must be imported in the file's library. Files that import
a library we do not know are not judged: it might re-export the extension.

Example::

    final cart = context.watch<Cart>();   // error: Undefined method 'context.watch':
                                          // import 'package:provider/provider.dart'
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.libraries import Family
from pipeline.checks.packages import import_hint, package_of
from pipeline.checks.parsing import position
from pipeline.checks.rules.base import FileRule

CODE = "missing-import"
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


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """`context.watch<T>()` in a file that cannot see package:provider, and the like."""
    project = analysis.project
    namespace = analysis.namespace_of(path)
    if namespace is None:
        return
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
        yield Diagnostic(path, line, column, CODE, ERROR,
                         MESSAGE.format(receiver=use.receiver, member=use.member,
                                        uri=import_hint(package)))


RULE = FileRule((CODE,), check)
