"""Builds Messages API request parts from a prompt: cached blocks, the answer's format, repairs.

A cache breakpoint is kept only where the prefix before it reaches the model's minimum
cacheable length: a shorter one is never cached, so marking it buys nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from anthropic import transform_schema
from anthropic.types import (
    CacheControlEphemeralParam,
    ContentBlockParam,
    Message,
    MessageParam,
    OutputConfigParam,
    TextBlockParam,
    ToolChoiceParam,
    ToolParam,
)
from pydantic import BaseModel

from pipeline.engines import structured
from pipeline.engines.capabilities import Capabilities
from pipeline.engines.prompts import Block, Prompt
from pipeline.engines.structured import AnswerRejected

EPHEMERAL: CacheControlEphemeralParam = {"type": "ephemeral"}
CHARS_PER_TOKEN = 3
"""Few characters per token (code runs 3-4), so a breakpoint is dropped only when surely short:
a kept mark before a too-short prefix costs nothing, a dropped one loses the cache."""


def prompt_blocks(
    prompt: Prompt, min_cache_tokens: int
) -> tuple[list[TextBlockParam], MessageParam]:
    """The system blocks and the first user turn, with the breakpoints that can cache."""
    system, chars = _text_blocks(prompt.system, min_cache_tokens, 0)
    user, _ = _text_blocks(prompt.user, min_cache_tokens, chars)
    content: list[ContentBlockParam] = [*user]
    return system, {"role": "user", "content": content}


def cached_prefix(system: list[TextBlockParam], first: MessageParam) -> str:
    """The text up to the last breakpoint, or "" (which calls share a cache entry)."""
    blocks: list[Any] = [*system, *_blocks(first["content"])]
    marked = [i for i, b in enumerate(blocks) if "cache_control" in b]
    if not marked:
        return ""
    return "\n".join(str(b.get("text", "")) for b in blocks[: marked[-1] + 1])


def structured_output(answer_type: type[BaseModel]) -> OutputConfigParam:
    """The output format that makes the model answer with JSON matching the answer's schema."""
    return {"format": {"type": "json_schema", "schema": transform_schema(answer_type)}}


def tool_choice(caps: Capabilities) -> ToolChoiceParam:
    """Force the answer tool, unless the model thinks by default (it refuses a forced tool)."""
    if caps.thinks_by_default:
        return {"type": "auto"}
    return {"type": "tool", "name": structured.TOOL_NAME}


def answer_tool(answer_type: type[BaseModel]) -> ToolParam:
    """The tool whose input is the answer."""
    tool = structured.answer_tool(answer_type)
    return {
        "name": tool["name"], "description": tool["description"],
        "input_schema": tool["input_schema"],
    }


def raw_answer(message: Message) -> object:
    """What the model gave as its answer: the answer tool's input, or JSON in its text."""
    if message.stop_reason == "max_tokens":
        raise AnswerRejected(structured.TRUNCATED)
    for block in message.content:
        if block.type == "tool_use" and block.name == structured.TOOL_NAME:
            return block.input
    text = "".join(b.text for b in message.content if b.type == "text")
    return structured.parse_json(text)


def repair_turns(message: Message, error: AnswerRejected) -> list[MessageParam]:
    """The model's rejected turn and a user turn quoting why, answering its tool call if any."""
    said = assistant_content(message)
    tool_id = next((b.id for b in message.content if b.type == "tool_use"), None)
    reply: list[ContentBlockParam]
    if tool_id is not None:
        reply = [{"type": "tool_result", "tool_use_id": tool_id, "is_error": True,
                  "content": structured.repair_text(error)}]
    else:
        reply = [{"type": "text", "text": structured.repair_text(error)}]
    if not said:
        # The API rejects an empty assistant turn; a cut-off answer with nothing in it is skipped.
        return [{"role": "user", "content": reply}]
    return [{"role": "assistant", "content": said}, {"role": "user", "content": reply}]


def assistant_content(message: Message) -> list[ContentBlockParam]:
    """The model's turn as request blocks (thinking kept, as the API wants it sent back)."""
    said: list[ContentBlockParam] = []
    for block in message.content:
        if block.type == "thinking":
            said.append({"type": "thinking", "thinking": block.thinking,
                         "signature": block.signature})
        elif block.type == "redacted_thinking":
            said.append({"type": "redacted_thinking", "data": block.data})
        elif block.type == "tool_use":
            said.append({"type": "tool_use", "id": block.id, "name": block.name,
                         "input": _as_object(block.input)})
        elif block.type == "text" and block.text:
            said.append({"type": "text", "text": block.text})
    return said


def merge_user_turns(messages: Iterable[MessageParam]) -> list[MessageParam]:
    """Join adjacent user turns, since the API wants the roles to alternate."""
    merged: list[MessageParam] = []
    for message in messages:
        if merged and merged[-1]["role"] == message["role"] == "user":
            merged[-1] = {"role": "user", "content": [
                *_blocks(merged[-1]["content"]), *_blocks(message["content"]),
            ]}
        else:
            merged.append(message)
    return merged


def input_chars(system: list[TextBlockParam], messages: list[MessageParam]) -> int:
    """Roughly how much text a request sends (for the limiter's token estimate)."""
    return sum(len(b["text"]) for b in system) + sum(len(str(m["content"])) for m in messages)


def _text_blocks(
    blocks: Iterable[Block], min_tokens: int, chars: int
) -> tuple[list[TextBlockParam], int]:
    out: list[TextBlockParam] = []
    for block in blocks:
        chars += len(block.text)
        param: TextBlockParam = {"type": "text", "text": block.text}
        if block.cached and chars // CHARS_PER_TOKEN >= min_tokens:
            param["cache_control"] = EPHEMERAL
        out.append(param)
    return out, chars


def _blocks(content: Any) -> list[ContentBlockParam]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return list(content)


def _as_object(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {"value": value}
