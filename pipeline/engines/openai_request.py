"""Builds Chat Completions request parts from a prompt: messages, the JSON mode's fields, repairs.

A JSON answer comes one of three ways (JsonMode), tried in this order: the server's JSON-schema
output (`response_format` with a strict schema), a forced call of the answer function
(`tools` + `tool_choice`), or the prompt alone (the schema in the user turn, the JSON read from
the text). OpenAI caches prompt prefixes by itself, so the stable text (the role's system text,
the conventions and the plan) leads, in the system message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from openai import pydantic_function_tool
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel

from pipeline.engines import structured
from pipeline.engines.prompts import Prompt
from pipeline.engines.structured import AnswerRejected

STRICT_UNSUPPORTED = frozenset({"minLength", "maxLength", "default"})
"""Keywords a strict schema may not hold; pydantic checks them after the answer arrives."""
NAME_MAPS = frozenset({"properties", "$defs"})
"""Schema keywords whose keys are names (a property may be called `default`)."""
FORCED_STOPS = frozenset({"stop", "tool_calls"})
"""A forced function call finishes with `stop` on OpenAI's API, `tool_calls` on some others."""


class JsonMode(StrEnum):
    """How a JSON answer is asked for, best first."""

    JSON_SCHEMA = "json_schema"
    FUNCTION = "function"
    PROMPT = "prompt"

    def fallback(self) -> JsonMode | None:
        """The next mode to try when a server refuses this one."""
        order = list(JsonMode)
        at = order.index(self)
        return order[at + 1] if at + 1 < len(order) else None


@dataclass(frozen=True)
class Completion:
    """What one answer said, whether streamed or not."""

    text: str
    finish_reason: str | None
    arguments: str | None = None
    """The answer function's arguments (JSON text), when the model called it."""
    call_id: str | None = None
    refusal: str | None = None


def system_text(prompt: Prompt) -> str:
    """The system message: the blocks every call of a role shares come first."""
    return "\n\n".join(b.text for b in prompt.system)


def first_turn(prompt: Prompt, mode: JsonMode | None,
               answer_type: type[BaseModel]) -> list[ChatCompletionMessageParam]:
    """The system message and the first user turn (asking for bare JSON in PROMPT mode)."""
    user = "\n\n".join(b.text for b in prompt.user)
    if mode is JsonMode.PROMPT:
        user += "\n\n" + structured.schema_instruction(answer_type)
    messages: list[ChatCompletionMessageParam] = []
    system = system_text(prompt)
    if system:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": user})
    return messages


def strict_schema(answer_type: type[BaseModel]) -> dict[str, Any]:
    """The answer's JSON schema in the strict form the API takes: every object closed, every
    property required, no length bounds or defaults."""
    # The SDK's strict form of a pydantic model, the same for a function's parameters and for
    # `response_format` (its `type_to_response_format_param` is public only in later 3.x).
    function = cast(dict[str, Any], pydantic_function_tool(answer_type)["function"])
    schema: dict[str, Any] = _without(function["parameters"], STRICT_UNSUPPORTED)
    return schema


def mode_params(mode: JsonMode | None, answer_type: type[BaseModel]) -> dict[str, Any]:
    """The request fields a JSON mode adds (none for a file body or PROMPT mode)."""
    if mode is JsonMode.JSON_SCHEMA:
        return {"response_format": {"type": "json_schema", "json_schema": {
            "name": answer_type.__name__, "strict": True, "schema": strict_schema(answer_type)}}}
    if mode is JsonMode.FUNCTION:
        function = {"name": structured.TOOL_NAME, "description": structured.TOOL_DESCRIPTION,
                    "parameters": structured.answer_schema(answer_type)}
        return {"tools": [{"type": "function", "function": function}],
                "tool_choice": {"type": "function",
                                "function": {"name": structured.TOOL_NAME}}}
    return {}


def raw_answer(completion: Completion) -> object:
    """What the model gave as its answer: the function's arguments, or JSON in its text."""
    if completion.finish_reason == "length":
        raise AnswerRejected(structured.TRUNCATED)
    if completion.arguments is not None:
        return structured.parse_json(completion.arguments)
    return structured.parse_json(completion.text)


def repair_turns(completion: Completion,
                 error: AnswerRejected) -> list[ChatCompletionMessageParam]:
    """The model's rejected turn and a turn quoting why (a tool result for a function call)."""
    text = structured.repair_text(error)
    if completion.call_id is not None:
        call = {"id": completion.call_id, "type": "function",
                "function": {"name": structured.TOOL_NAME,
                             "arguments": completion.arguments or "{}"}}
        return [{"role": "assistant", "content": None, "tool_calls": [call]},  # type: ignore[list-item]
                {"role": "tool", "tool_call_id": completion.call_id, "content": text}]
    if not completion.text:
        return [{"role": "user", "content": text}]
    return [{"role": "assistant", "content": completion.text}, {"role": "user", "content": text}]


def input_chars(messages: list[ChatCompletionMessageParam]) -> int:
    """How much text a request sends (for the limiter's estimate and a guessed usage)."""
    return sum(len(json.dumps(m.get("content") or "")) for m in messages)


def _without(schema: Any, keys: frozenset[str], *, names: bool = False) -> Any:
    """`schema` without the keywords `keys`; `names`: this is a map of property names."""
    if isinstance(schema, dict):
        return {k: _without(v, keys, names=not names and k in NAME_MAPS)
                for k, v in schema.items() if names or k not in keys}
    if isinstance(schema, list):
        return [_without(v, keys) for v in schema]
    return schema
