"""Makes an ask fit a smaller context window: dependencies shrink to their Dart signatures.

When a model stops with `model_context_window_exceeded`, the engine asks once more with every
dependency (or, for the Judge, every file) cut down to what other files can use of it: imports,
declarations and member signatures, with function and method bodies elided.
"""

from __future__ import annotations

import re

from pipeline.asks import Ask, FileAsk, FileReviewAsk, JudgeAsk

ELIDED = "{ … }"
_TYPE_HEADER = re.compile(r"\b(class|mixin|extension|enum)\b")


def shrink(ask: Ask) -> Ask | None:
    """The same ask with its file contents cut to signatures; None when nothing would shrink."""
    if isinstance(ask, FileAsk | FileReviewAsk) and ask.dependencies:
        smaller = {p: signatures(t) if p.endswith(".dart") else t
                   for p, t in ask.dependencies.items()}
        changed = smaller != ask.dependencies
        return ask.model_copy(update={"dependencies": smaller}) if changed else None
    if isinstance(ask, JudgeAsk):
        files = {p: signatures(t) if p.endswith(".dart") else t for p, t in ask.files.items()}
        return ask.model_copy(update={"files": files}) if files != ask.files else None
    return None


def signatures(source: str) -> str:
    """A Dart library without its function bodies: type bodies are kept, others elided."""
    out: list[str] = []
    kept: list[bool] = []
    header_start = 0
    for i, char in enumerate(source):
        visible = all(kept)
        if char == "{":
            is_type = bool(_TYPE_HEADER.search(source[header_start:i]))
            if visible:
                out.append(char if is_type else ELIDED)
            kept.append(is_type and visible)
            header_start = i + 1
        elif char == "}":
            if kept:
                was_kept = kept.pop()
                if was_kept:
                    out.append(char)
            header_start = i + 1
        else:
            if visible:
                out.append(char)
            if char == ";":
                header_start = i + 1
    return "".join(out)
