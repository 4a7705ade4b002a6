"""The fake API's deterministic token counts and its prompt cache.

A request is a sequence of segments in the API's prefix order: tools, system blocks, then the
messages' blocks. A segment counts ceil(chars / 4) tokens. A `cache_control` mark ends a cacheable
prefix: the longest marked prefix seen before (same model) is read from the cache, the rest up to
the last mark is written to it, and everything after is plain input, as the real API bills it.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

CHARS_PER_TOKEN = 4


def count(text: str) -> int:
    """Tokens of a text."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass(frozen=True)
class InputTokens:
    """How a request's input splits between plain, cache-write and cache-read tokens."""

    input_tokens: int
    cache_creation_input_tokens: int
    cache_read_input_tokens: int


class PromptCache:
    """Marked prefixes seen so far, per model."""

    def __init__(self, min_tokens: int = 1024) -> None:
        self.min_tokens = min_tokens
        """Shorter prefixes are not cached (the API's minimum cacheable length)."""
        self._seen: set[str] = set()

    def split(self, body: dict[str, Any]) -> InputTokens:
        """Count a request's input and update the cache with its marked prefixes."""
        digest = hashlib.sha256(body["model"].encode())
        total = 0
        marks: list[tuple[int, str]] = []
        for text, marked in _segments(body):
            digest.update(text.encode())
            total += count(text)
            if marked and total >= self.min_tokens:
                marks.append((total, digest.copy().hexdigest()))
        read = max((tokens for tokens, key in marks if key in self._seen), default=0)
        written = marks[-1][0] - read if marks and marks[-1][0] > read else 0
        self._seen.update(key for _, key in marks)
        return InputTokens(total - read - written, written, read)


def _segments(body: dict[str, Any]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for tool in body.get("tools", []):
        plain = {k: v for k, v in tool.items() if k != "cache_control"}
        out.append((json.dumps(plain, sort_keys=True), "cache_control" in tool))
    system = body.get("system", [])
    if isinstance(system, str):
        out.append((system, False))
    else:
        out.extend((b["text"], "cache_control" in b) for b in system)
    for message in body["messages"]:
        content = message["content"]
        if isinstance(content, str):
            out.append((content, False))
            continue
        out.extend((block_text(b), "cache_control" in b) for b in content)
    return out


def block_text(block: dict[str, Any]) -> str:
    """The text a content block contributes to the count."""
    kind = block.get("type")
    if kind == "text":
        return str(block["text"])
    if kind == "tool_use":
        return json.dumps({"name": block["name"], "input": block["input"]}, sort_keys=True)
    if kind == "tool_result":
        content = block.get("content", "")
        if isinstance(content, str):
            return content
        return "".join(str(b.get("text", "")) for b in content)
    return json.dumps(block, sort_keys=True)
