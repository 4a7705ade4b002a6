"""Builds Messages API request parts from a prompt: cached blocks, the answer tool, repairs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from anthropic.types import (
    CacheControlEphemeralParam,
    ContentBlockParam,
    Message,
    MessageParam,
    TextBlockParam,
    ToolChoiceToolParam,
    ToolParam,
)
from pydantic import BaseModel

from pipeline.engines import structured
from pipeline.engines.prompts import Block, Prompt
from pipeline.engines.structured import AnswerRejected

EPHEMERAL: CacheControlEphemeralParam = {"type": "ephemeral"}


def system_blocks(prompt: Prompt) -> list[TextBlockParam]:
    """The system blocks, with a cache breakpoint after each cached one."""
    return _text_blocks(prompt.system)


def first_turn(prompt: Prompt) -> MessageParam:
    """The first user turn, with a cache breakpoint after each cached block."""
    content: list[ContentBlockParam] = [*_text_blocks(prompt.user)]
    return {"role": "user", "content": content}


def answer_tool(answer_type: type[BaseModel]) -> ToolParam:
    """The tool whose input is the answer."""
    tool = structured.answer_tool(answer_type)
    return {
        "name": tool["name"], "description": tool["description"],
        "input_schema": tool["input_schema"],
    }


def forced_tool() -> ToolChoiceToolParam:
    """A tool choice that makes the model answer through the answer tool."""
    return {"type": "tool", "name": structured.TOOL_NAME}


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
    said: list[ContentBlockParam] = []
    tool_id: str | None = None
    for block in message.content:
        if block.type == "tool_use":
            said.append({"type": "tool_use", "id": block.id, "name": block.name,
                         "input": _as_object(block.input)})
            tool_id = tool_id or block.id
        elif block.type == "text" and block.text:
            said.append({"type": "text", "text": block.text})
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


def _text_blocks(blocks: Iterable[Block]) -> list[TextBlockParam]:
    out: list[TextBlockParam] = []
    for block in blocks:
        param: TextBlockParam = {"type": "text", "text": block.text}
        if block.cached:
            param["cache_control"] = EPHEMERAL
        out.append(param)
    return out


def _blocks(content: Any) -> list[ContentBlockParam]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return list(content)


def _as_object(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {"value": value}
