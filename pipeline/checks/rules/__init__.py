"""The rules `factory check` runs, each a small module: what it reports, why, and an example.

A rule sits on top of the layers below it and only asks them (see `pipeline.checks`): it never
re-parses a file or re-resolves an import. It reads an `Analysis` (the parsed files, the
library graph, each library's scope, the names we know) and yields `Diagnostic`s.

How to add a rule:

1. Write `pipeline/checks/rules/<what_it_checks>.py`. Its docstring starts with the codes it
   reports, then says why the analyzer would report the same thing (a rule reports an error
   only where `flutter analyze` certainly would; anything less certain is silence or a
   warning), then an `Example::` block with a line it flags and the message it gives.
2. Keep the message and its correction as module constants (`MESSAGE`, `CORRECTION`), and put
   the correction in the diagnostic's `fix` when one is known.
3. End the module with `RULE = FileRule((codes...), check)` (run once per Dart file, as
   `check(analysis, path)`) or `RULE = ProjectRule((codes...), check)` (once per project).
4. List the rule in `DEFAULT_RULES` below (or `FACTORY_RULES` for the factory's own app rules,
   which only the Judge and `factory check --factory-rules` run).
5. Add fixture tests in `tests/test_dart_checks_<rule>.py`: what it reports, and at least as
   many published-style snippets it must stay silent on.
"""

from __future__ import annotations

from pipeline.checks.rules import (
    arguments,
    constructor_name,
    duplicate_argument,
    duplicate_definition,
    factory_rules,
    instance_member,
    literal_type,
    pubspec,
    removed_api,
    reserved_word,
    static_member,
    syntax,
    undefined_name,
    unimported_extension,
    unresolved_uri,
)
from pipeline.checks.rules.base import FileRule, ProjectRule

DEFAULT_RULES: tuple[FileRule | ProjectRule, ...] = (
    syntax.RULE,
    unresolved_uri.RULE,
    undefined_name.RULE,
    constructor_name.RULE,
    unimported_extension.RULE,
    reserved_word.RULE,
    duplicate_definition.FILE_RULE,
    duplicate_definition.PROJECT_RULE,
    duplicate_argument.RULE,
    static_member.RULE,
    arguments.RULE,
    instance_member.RULE,
    removed_api.RULE,
    literal_type.RULE,
    pubspec.RULE,
)
"""What `flutter analyze` would report, and what `factory check` runs by default."""
FACTORY_RULES: tuple[FileRule | ProjectRule, ...] = (factory_rules.RULE,)
"""The factory's rules for the apps it ships; the Judge and `--factory-rules` add these."""

__all__ = ["DEFAULT_RULES", "FACTORY_RULES", "FileRule", "ProjectRule"]
