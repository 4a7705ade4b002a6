"""unknown-member: `receiver.name` where the receiver's static type is evident and neither it,
its supertypes, its mixins nor any extension in scope has a member of that name.

Why: the analyzer's `undefined_getter`, `undefined_method` and `undefined_setter`. The receiver
must be evident (a constructor call, a typed local, field or parameter, `this`, a chain of
declared types); a type with a supertype we cannot see, a library importing something the
index does not know (it could bring an extension), `dynamic` and unbound generics are never
judged.

Example::

    final RecipeNotifier notifier = context.read<RecipeNotifier>();
    notifier.saveRecipe(recipe);  // error: The method 'saveRecipe' isn't defined for the type
                                  // 'RecipeNotifier'
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.analysis import Analysis
from pipeline.checks.chains import is_called
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.parsing import position
from pipeline.checks.removed import removed_member
from pipeline.checks.rules.base import FileRule
from pipeline.checks.rules.unimported_extension import EXTENSION_MEMBERS
from pipeline.checks.suggest import did_you_mean

CODE = "unknown-member"
GETTER = "The getter '{name}' isn't defined for the type '{type}'"
METHOD = "The method '{name}' isn't defined for the type '{type}'"


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Members that the evident type of their receiver does not have."""
    api = analysis.api
    for lookup in analysis.typed(path).lookups:
        if lookup.receiver.static or lookup.found or not lookup.certain:
            continue
        owner = lookup.receiver.type
        name = lookup.step.name
        if removed_member(owner.name, name) is not None:
            continue  # removed-api says what replaced it
        if owner.name == "BuildContext" and name in EXTENSION_MEMBERS:
            continue  # unimported_extension names the package whose import brings it
        template = METHOD if is_called(lookup.step.node) else GETTER
        members = [n for n, found in api.members(owner).items()
                   if not any(m.static for m in found)]
        line, column = position(lookup.step.node)
        yield Diagnostic(path, line, column, CODE, ERROR,
                         template.format(name=name, type=owner.name),
                         did_you_mean(owner.name, "member", name, members))


RULE = FileRule((CODE,), check)
