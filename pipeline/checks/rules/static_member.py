"""unknown-static-member, unknown-enum-value, unknown-constructor: `Type.name` where the type
is known and declares nothing of that name.

Why: the analyzer's `undefined_getter`/`undefined_method` on a class (static members are not
inherited, so the class's own declarations are all there is), `undefined_enum_constant` and
`undefined_constructor_in_initializer`/`new_with_undefined_constructor`. Only types the API
index or the project declares are judged; a name that is an instance member (accessed
statically by mistake) or a tear-off (`Foo.new`, `values`) is left alone.

Example::

    Colors.bleu            // error: The getter 'bleu' isn't defined for the type 'Colors'
    MainAxisAlignment.centre  // error: There's no constant named 'centre' in 'MainAxisAlignment'
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.analysis import Analysis
from pipeline.checks.api_model import TypeKind
from pipeline.checks.chains import CONSTRUCTOR_EXPRESSIONS, is_called
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.parsing import position
from pipeline.checks.receivers import Lookup
from pipeline.checks.removed import removed_member
from pipeline.checks.rules.base import FileRule
from pipeline.checks.suggest import did_you_mean

STATIC = "unknown-static-member"
ENUM_VALUE = "unknown-enum-value"
CONSTRUCTOR = "unknown-constructor"
GETTER = "The getter '{name}' isn't defined for the type '{type}'"
METHOD = "The method '{name}' isn't defined for the type '{type}'"
ENUM_MESSAGE = "There's no constant named '{name}' in '{type}'"
CONSTRUCTOR_MESSAGE = "The class '{type}' doesn't have a constructor named '{name}'"


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Unknown static members, enum values and named constructors of one file."""
    for lookup in analysis.typed(path).lookups:
        if not lookup.receiver.static or not lookup.certain or lookup.found:
            continue
        if lookup.constructor is not None or lookup.enum_value:
            continue
        declared = lookup.receiver.type
        name = lookup.step.name
        if removed_member(declared.name, name) is not None:
            continue  # removed-api says what replaced it
        line, column = position(lookup.step.node)
        if declared.kind == TypeKind.ENUM:
            fix = did_you_mean(declared.name, "value", name, declared.values)
            yield Diagnostic(path, line, column, ENUM_VALUE, ERROR,
                             ENUM_MESSAGE.format(name=name, type=declared.name), fix)
            continue
        statics = [n for n, members in declared.members.items() if any(m.static for m in members)]
        if _is_constructor_call(lookup):
            fix = did_you_mean(declared.name, "constructor", name,
                               [*(c for c in declared.constructors if c), *statics])
            yield Diagnostic(path, line, column, CONSTRUCTOR, ERROR,
                             CONSTRUCTOR_MESSAGE.format(name=name, type=declared.name), fix)
            continue
        fix = did_you_mean(declared.name, "static member", name,
                           [*statics, *(c for c in declared.constructors if c)])
        template = METHOD if is_called(lookup.step.node) else GETTER
        yield Diagnostic(path, line, column, STATIC, ERROR,
                         template.format(name=name, type=declared.name), fix)


def _is_constructor_call(lookup: Lookup) -> bool:
    """`const Foo.bar(...)`/`new Foo.bar(...)`: only a constructor may stand there."""
    parent = lookup.step.node.parent
    return parent is not None and parent.type in CONSTRUCTOR_EXPRESSIONS


RULE = FileRule((STATIC, ENUM_VALUE, CONSTRUCTOR), check)
