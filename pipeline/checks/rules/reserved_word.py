"""reserved-word: a reserved word used as a name (`final case = 3;`, `void f(int in)`).

Why: Dart's 33 reserved words can never name anything; the analyzer reports each such use as a
syntax error. Our parser accepts many of them where a name goes, so they are looked up here.
Built-in identifiers (`get`, `required`, `late`, ...) and contextual keywords (`on`, `await`,
...) are legal names in most places and are not reported.

Example::

    final case = 3;   // error: 'case' is a reserved word and cannot be used as a name
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, Diagnostic
from pipeline.checks.file_query import file_pattern
from pipeline.checks.known_names import word_set
from pipeline.checks.parsing import inside_error, position, text_of
from pipeline.checks.rules.base import FileRule

CODE = "reserved-word"
RESERVED = word_set("""
    assert break case catch class const continue default do else enum extends false final
    finally for if in is new null rethrow return super switch this throw true try var void while
    with
""")
PATTERN = file_pattern("reserved-word", "((identifier) @name (#any-of? @name {words}))".format(
    words=" ".join(f'"{word}"' for word in sorted(RESERVED))))
MISREAD_PARENTS = frozenset({"relational_expression", "unconditional_assignable_selector",
                             "conditional_assignable_selector"})
"""Where the parser shows a legal use as a name: `Route<void>(...)` read as comparisons, and
the constructor tear-off `Recipe.new`."""
MESSAGE = "'{word}' is a reserved word and cannot be used as a name"
CORRECTION = "Rename it, e.g. '{word}Value'"


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Every reserved word that names something in one file."""
    tree = analysis.project.dart[path].tree
    for name in sorted(PATTERN.nodes(tree, "name"), key=lambda n: n.start_byte):
        if inside_error(name) or (name.parent is not None
                                  and name.parent.type in MISREAD_PARENTS):
            continue
        word = text_of(name)
        line, column = position(name)
        yield Diagnostic(path, line, column, CODE, ERROR, MESSAGE.format(word=word),
                         fix=CORRECTION.format(word=word))


RULE = FileRule((CODE,), check)
