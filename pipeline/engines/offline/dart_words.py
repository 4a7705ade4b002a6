"""Dart's keywords: reserved words, built-in identifiers and contextual keywords.

Generated code never declares any of them as a name, not even the ones Dart allows in some
positions (`get` as a method, `on` as a variable): an app that compiles only because of a
grammar corner is one edit away from one that does not.
"""

from __future__ import annotations

RESERVED_WORDS = frozenset(
    "assert break case catch class const continue default do else enum extends false final "
    "finally for if in is new null rethrow return super switch this throw true try var void "
    "while with".split()
)
"""Never an identifier, anywhere."""

BUILT_IN_IDENTIFIERS = frozenset(
    "abstract as covariant deferred dynamic export extension external factory Function get "
    "implements import interface late library mixin operator part required set static "
    "typedef".split()
)
"""Never the name of a type, prefix or extension."""

CONTEXTUAL_KEYWORDS = frozenset(
    "async await base hide inline native of on patch sealed show source sync type when "
    "yield".split()
)
"""Keywords only in some places (`await` in async bodies, `on` in catch clauses, …)."""

DART_KEYWORDS = RESERVED_WORDS | BUILT_IN_IDENTIFIERS | CONTEXTUAL_KEYWORDS
