"""unknown-argument, missing-argument, too-many-arguments: a call that does not fit the
signature of the constructor, method or function it certainly calls.

Why: the analyzer's `undefined_named_parameter`, `missing_required_argument`,
`not_enough_positional_arguments` and `extra_positional_arguments`. Only callees found in the
API index or in the project are judged, and only where the chain leading to them is evident.

Example::

    ListTile(titel: Text('x'))  // error: The named parameter 'titel' isn't defined
                                // fix: ListTile has no parameter 'titel'; did you mean 'title'?
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.parsing import position
from pipeline.checks.receivers import Call
from pipeline.checks.removed import removed_member
from pipeline.checks.rules.base import FileRule
from pipeline.checks.suggest import did_you_mean

UNKNOWN = "unknown-argument"
MISSING = "missing-argument"
TOO_MANY = "too-many-arguments"
UNKNOWN_MESSAGE = "The named parameter '{name}' isn't defined for '{callee}'"
MISSING_MESSAGE = ("The named parameter '{name}' is required by '{callee}', but there's no "
                   "corresponding argument")
MISSING_FIX = "Add '{name}: ...' to the call of {callee}"
FEW_MESSAGE = "'{callee}' expects {expected} positional argument(s), but {found} found"
MANY_MESSAGE = ("Too many positional arguments for '{callee}': {expected} expected, but {found} "
                "found")


def _judge(path: str, call: Call) -> Iterator[Diagnostic]:
    signature = call.signature
    positional, named = call.given
    owner = call.callee.partition(".")[0]
    for name, node in named.items():
        if name in signature.named or removed_member(owner, name) is not None:
            continue
        line, column = position(node)
        yield Diagnostic(path, line, column, UNKNOWN, ERROR,
                         UNKNOWN_MESSAGE.format(name=name, callee=call.callee),
                         did_you_mean(call.callee, "parameter", name, signature.named))
    if any(n.type == "relational_expression" for a in positional for n in [a, *a.named_children]):
        return  # `f(key: A<B, C>(x))` read as comparisons: the argument count is not certain
    missing = [name for name in signature.required_named if name not in named]
    few = len(positional) < signature.min_positional
    if not missing and not few and len(positional) <= signature.max_positional:
        return  # the common case: no position to compute (it reads the file's text)
    line, column = position(call.arguments)
    for name in missing:
        yield Diagnostic(path, line, column, MISSING, ERROR,
                         MISSING_MESSAGE.format(name=name, callee=call.callee),
                         MISSING_FIX.format(name=name, callee=call.callee))
    if few:
        yield Diagnostic(path, line, column, MISSING, ERROR, FEW_MESSAGE.format(
            callee=call.callee, expected=signature.min_positional, found=len(positional)))
    elif len(positional) > signature.max_positional:
        extra_line, extra_column = position(positional[signature.max_positional])
        yield Diagnostic(path, extra_line, extra_column, TOO_MANY, ERROR, MANY_MESSAGE.format(
            callee=call.callee, expected=signature.max_positional, found=len(positional)))


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Calls of one file that do not fit their callee's signature."""
    for call in analysis.typed(path).calls:
        if not call.library.startswith("dart:"):  # the index's dart: libraries are Dart 3.2's
            yield from _judge(path, call)


RULE = FileRule((UNKNOWN, MISSING, TOO_MANY), check)
