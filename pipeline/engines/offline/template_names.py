"""Every identifier the Dart templates and field snippets write on their own.

An entity's variable names are spliced into the same scopes as these (`items`, `context`,
`notifier`, `item`, `expect`, `RoutePaths.home`…), so an entity whose variable would spell one
of them gets another spelling. The set is read from the templates themselves, so a new
template name can never collide unnoticed.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from pipeline.engines.offline.dart_fields import field_context, subtitle_of
from pipeline.engines.offline.lexicon import FIELD_KINDS, Field
from pipeline.engines.offline.render import FLUTTER_FOLDER, TEMPLATE_PACKAGE

TAG = re.compile(r"\{\{[#^/]?\w+\}\}")
COMMENT = re.compile(r"//[^\n]*")
STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'")
INTERPOLATION = re.compile(r"\$\{[^}]*\}|\$\w+")
IDENTIFIER = re.compile(r"[A-Za-z_][\w]*")
PROBE = "zqx"
"""A field name no snippet contains by itself, so its tokens can be told apart."""


@cache
def template_identifiers() -> frozenset[str]:
    """Identifiers in every Dart template and in every field kind's snippets."""
    folder = resources.files(TEMPLATE_PACKAGE).joinpath(FLUTTER_FOLDER)
    texts = [entry.read_text(encoding="utf-8") for entry in folder.iterdir()
             if entry.name.endswith(".dart")]
    for kind in FIELD_KINDS:
        probe = Field(PROBE, kind)
        texts += [v for v in field_context(probe, PROBE.capitalize(), PROBE).values()
                  if isinstance(v, str)]
        texts.append(subtitle_of(PROBE, [probe]))
    words = {w for text in texts for w in IDENTIFIER.findall(_code_of(text))}
    return frozenset(w for w in words if PROBE not in w.lower())


def _code_of(text: str) -> str:
    """`text` without template tags, comments, and string literals (but their `$` values)."""
    code = COMMENT.sub(" ", TAG.sub(" ", text))
    return STRING.sub(lambda m: " ".join(INTERPOLATION.findall(m.group(0))), code)
