"""Name lists written out in the source (packages.py, reserved words) read as sets.

What the Dart SDK and Flutter export comes from the API index (`libraries.py`), not from here.
"""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal list."""
    return frozenset(text.split())


OLDER_FLUTTER = word_set("""
    AccessiblityFocusBlockType
""")
"""Names older Flutter versions (since 2023) exported that the indexed one no longer has and
that sit one slip from a current name: never a misspelling (code written for them is clean)."""
