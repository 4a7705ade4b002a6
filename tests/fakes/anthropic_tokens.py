"""The fake API's deterministic token counts and its prompt cache, with the real cache rules.

A request is a sequence of segments in the API's prefix order: the structured-output schema,
tools, system blocks, then the messages' blocks. A segment counts ceil(chars / 4) tokens. A
`cache_control` mark ends a cacheable prefix: the longest marked prefix already cached (same
model) is read, the rest up to the last mark is written, and everything after is plain input,
as the real API bills it. As on the real
API (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching):
- a prefix shorter than the model's minimum (1,024 to 4,096 tokens) is not cached at all;
- an entry lives 5 minutes from its last use;
- an entry written by a request can be read only once that request's response has started.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CHARS_PER_TOKEN = 4
CACHE_LIFETIME_S = 300.0
DEFAULT_MIN_TOKENS = 1024
MIN_CACHE_TOKENS = {
    "claude-opus-4-1": 1024,
    "claude-opus-4-5": 4096, "claude-opus-4-5-20251101": 4096,
    "claude-opus-4-6": 4096,
    "claude-opus-4-7": 2048,
    "claude-sonnet-4-5": 1024,
    "claude-sonnet-4-6": 2048,
    "claude-haiku-4-5": 4096, "claude-haiku-4-5-20251001": 4096,
}
"""The minimum cacheable prefix per model; other models get DEFAULT_MIN_TOKENS."""


def count(text: str) -> int:
    """Tokens of a text."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass(frozen=True)
class InputTokens:
    """How a request's input splits between plain, cache-write and cache-read tokens."""

    input_tokens: int
    cache_creation_input_tokens: int
    cache_read_input_tokens: int
    written: tuple[str, ...] = ()
    """Keys of the entries this request wrote; readable once its response started."""


@dataclass
class PromptCache:
    """Marked prefixes cached so far, per model, with their expiry."""

    min_tokens: int | None = None
    """One minimum for every model (tests of small prompts); None: each model's own."""
    clock: Callable[[], float] = time.monotonic
    _expiry: dict[str, float] = field(default_factory=dict)

    def minimum(self, model: str) -> int:
        """The shortest prefix `model` caches."""
        if self.min_tokens is not None:
            return self.min_tokens
        return MIN_CACHE_TOKENS.get(model, DEFAULT_MIN_TOKENS)

    def split(self, body: dict[str, Any]) -> InputTokens:
        """Count a request's input; read live entries, and write (pending) the missing ones."""
        now = self.clock()
        digest = hashlib.sha256(body["model"].encode())
        least = self.minimum(body["model"])
        total = 0
        marks: list[tuple[int, str]] = []
        for text, marked in segments(body):
            digest.update(text.encode())
            total += count(text)
            if marked and total >= least:
                marks.append((total, digest.copy().hexdigest()))
        live = {key for key, until in self._expiry.items() if until > now}
        read = max((tokens for tokens, key in marks if key in live), default=0)
        written = marks[-1][0] - read if marks and marks[-1][0] > read else 0
        for _, key in marks:
            if key in live:
                self._expiry[key] = now + CACHE_LIFETIME_S
        new = tuple(key for tokens, key in marks if tokens > read and key not in live)
        return InputTokens(total - read - written, written, read, new)

    def started(self, keys: tuple[str, ...]) -> None:
        """The response that wrote `keys` has started: other requests may read them now."""
        now = self.clock()
        for key in keys:
            self._expiry[key] = now + CACHE_LIFETIME_S


def segments(body: dict[str, Any]) -> list[tuple[str, bool]]:
    """The request's billed text in prefix order, each with whether a breakpoint ends it."""
    out: list[tuple[str, bool]] = []
    output = body.get("output_config")
    if output:  # a structured output's schema is billed as input, ahead of the prompt
        out.append((json.dumps(output, sort_keys=True), False))
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
