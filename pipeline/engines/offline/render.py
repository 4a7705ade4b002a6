"""A tiny logic-less template renderer: `{{name}}` values and `{{#list}}…{{/list}}` sections.

Dart uses `$` and single braces everywhere, so placeholders are `{{identifier}}`, which Dart
code never contains. A section repeats its body for each item of a list (the item's keys shadow
the outer ones), renders once for a true value, and not at all for a false or empty one;
`{{^name}}…{{/name}}` renders only when the value is false or empty. A tag alone on its line
takes the line with it, so templates stay laid out like the code they produce.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources

from pipeline.errors import FactoryError

TEMPLATE_PACKAGE = "templates"
FLUTTER_FOLDER = "flutter"
STANDALONE_TAG = re.compile(r"^[ \t]*(\{\{[#^/]\w+\}\})[ \t]*\n", re.MULTILINE)
TAG = re.compile(r"\{\{([#^/]?)(\w+)\}\}")

Value = str | bool | Sequence[Mapping[str, "Value"]]
Context = Mapping[str, Value]


class TemplateError(FactoryError):
    """A template is missing, malformed, or names a value the context lacks."""


def load_template(name: str) -> str:
    """The text of `templates/flutter/<name>`."""
    resource = resources.files(TEMPLATE_PACKAGE).joinpath(FLUTTER_FOLDER, name)
    try:
        return resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"no template {FLUTTER_FOLDER}/{name}") from None


def render(text: str, context: Context) -> str:
    """Fill `text` from `context`; unknown names and unbalanced sections raise TemplateError."""
    return _render(STANDALONE_TAG.sub(r"\1", text), 0, [context], None)[0]


def _lookup(name: str, stack: list[Context]) -> Value:
    for scope in reversed(stack):
        if name in scope:
            return scope[name]
    raise TemplateError(f"template value {name!r} is not in the context")


def _render(text: str, pos: int, stack: list[Context], section: str | None) -> tuple[str, int]:
    """Render from `pos` until the close of `section`; return the text and where it ended."""
    out: list[str] = []
    while (match := TAG.search(text, pos)) is not None:
        out.append(text[pos:match.start()])
        kind, name = match.groups()
        pos = match.end()
        if kind == "/":
            if name != section:
                raise TemplateError(f"section {name!r} closed but {section!r} is open")
            return "".join(out), pos
        if kind == "":
            value = _lookup(name, stack)
            if not isinstance(value, str):
                raise TemplateError(f"template value {name!r} is a section, not text")
            out.append(value)
            continue
        value = _lookup(name, stack)
        inner_end = _skip(text, pos, name)
        if kind == "^":
            if not value:
                out.append(_render(text, pos, stack, name)[0])
        elif isinstance(value, bool):
            if value:
                out.append(_render(text, pos, stack, name)[0])
        elif isinstance(value, str):
            raise TemplateError(f"template value {name!r} is text, not a section")
        else:
            for item in value:
                out.append(_render(text, pos, [*stack, item], name)[0])
        pos = inner_end
    if section is not None:
        raise TemplateError(f"section {section!r} is never closed")
    out.append(text[pos:])
    return "".join(out), len(text)


def _skip(text: str, pos: int, name: str) -> int:
    """Where the section `name` opened just before `pos` ends, without rendering it."""
    depth = 1
    for match in TAG.finditer(text, pos):
        kind, tag = match.groups()
        if tag == name and kind in ("#", "^"):
            depth += 1
        elif tag == name and kind == "/":
            depth -= 1
            if depth == 0:
                return match.end()
    raise TemplateError(f"section {name!r} is never closed")
