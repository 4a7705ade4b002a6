"""removed-api: a name older Flutter had and today's does not, with what replaced it.

Why: the analyzer reports these as undefined (`undefined_identifier`, `undefined_getter`,
`undefined_named_parameter`); models trained on old code write them often, and the plain
"undefined" message does not say what to write instead. A removed class is reported where no
import could still bring it; a removed member or parameter only on an evident receiver or callee.

Example::

    RaisedButton(onPressed: f, child: c)  // error: 'RaisedButton' was removed from Flutter;
                                          // use 'ElevatedButton'
    Theme.of(context).textTheme.headline6 // error: 'TextTheme.headline6' was removed from
                                          // Flutter; use 'titleLarge'
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.libraries import Family
from pipeline.checks.parsing import position
from pipeline.checks.removed import REMOVED_TYPES, removed_member
from pipeline.checks.rules.base import FileRule

CODE = "removed-api"
MESSAGE = "'{name}' was removed from Flutter; use '{replacement}'"
FIX = "Replace '{name}' with '{replacement}'"


def _removed_types(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    namespace = analysis.namespace_of(path)
    if namespace is None:
        return
    if any(o.library.family == Family.UNKNOWN for o in namespace.openings):
        return  # a library we do not know might still declare the old name
    seen: set[str] = set()
    for reference in analysis.project.dart[path].names.references:
        name = reference.name
        replacement = REMOVED_TYPES.get(name)
        if replacement is None or name in seen or name in namespace.names:
            continue
        if name in analysis.project.declarers:
            continue
        seen.add(name)
        line, column = position(reference.node)
        yield Diagnostic(path, line, column, CODE, ERROR,
                         MESSAGE.format(name=name, replacement=replacement),
                         FIX.format(name=name, replacement=replacement))


def _removed_members(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    typed = analysis.typed(path)
    for lookup in typed.lookups:
        if lookup.found or not lookup.certain:
            continue
        owner = lookup.receiver.type.name
        replacement = removed_member(owner, lookup.step.name)
        if replacement is None or lookup.constructor is not None or lookup.enum_value:
            continue
        name = f"{owner}.{lookup.step.name}"
        line, column = position(lookup.step.node)
        yield Diagnostic(path, line, column, CODE, ERROR,
                         MESSAGE.format(name=name, replacement=replacement),
                         FIX.format(name=lookup.step.name, replacement=replacement))
    for call in typed.calls:
        owner = call.callee.partition(".")[0]
        for name, node in call.given[1].items():
            replacement = removed_member(owner, name)
            if replacement is None or name in call.signature.named:
                continue
            line, column = position(node)
            yield Diagnostic(path, line, column, CODE, ERROR,
                             MESSAGE.format(name=f"{owner}({name}:)", replacement=replacement),
                             FIX.format(name=name, replacement=replacement))


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Removed Flutter classes, members and parameters one file still uses."""
    yield from _removed_types(analysis, path)
    yield from _removed_members(analysis, path)


RULE = FileRule((CODE,), check)
