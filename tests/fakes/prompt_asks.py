"""Rebuilds the Ask an engine rendered into a prompt, from the prompt's fenced ask blocks."""

from __future__ import annotations

import json
import re
from typing import Any

from pipeline import asks

FENCED = re.compile(r"^(`{3,})(ask(?:-\w+)?) ?([^\n]*)\n(.*?)\n\1$", re.MULTILINE | re.DOTALL)


class NoAsk(ValueError):
    """The prompt carries no ```ask block."""


def ask_from_text(text: str) -> asks.Ask:
    """The ask whose fields the fenced blocks of `text` hold."""
    kind: str | None = None
    data: dict[str, Any] = {}
    for _ticks, tag, info, body in FENCED.findall(text):
        if tag == "ask":
            kind = info.strip()
            data.update(json.loads(body))
        elif tag == "ask-field":
            data[info.strip()] = json.loads(body)
        elif tag == "ask-text":
            data[info.strip()] = body
        elif tag == "ask-file":
            name, path = info.split(" ", 1)
            data.setdefault(name, {})[path] = body
    if kind is None:
        raise NoAsk("no ```ask block in the prompt")
    ask_type = getattr(asks, kind)
    if not (isinstance(ask_type, type) and issubclass(ask_type, asks.Ask)):
        raise NoAsk(f"{kind} is not an ask type")
    return ask_type.model_validate(data)


def request_text(body: dict[str, Any]) -> str:
    """The system text and the first user turn's text of a Messages API request body."""
    parts: list[str] = []
    system = body.get("system", [])
    parts.extend([system] if isinstance(system, str) else [b["text"] for b in system])
    first = body["messages"][0]["content"]
    if isinstance(first, str):
        parts.append(first)
    else:
        parts.extend(b["text"] for b in first if b.get("type") == "text")
    return "\n\n".join(parts)
