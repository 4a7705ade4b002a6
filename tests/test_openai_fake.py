"""The Chat Completions fake refuses what the real API refuses, in the real API's words."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.fakes.canned_answers import canned_answer
from tests.fakes.openai_api import API_KEY, FakeOpenAI

USER = [{"role": "user", "content": "hello"}]
OBJECT = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"],
          "additionalProperties": False}
CALL = {"id": "call_1", "type": "function", "function": {"name": "answer", "arguments": "{}"}}
TOOLS = [{"type": "function", "function": {"name": "answer", "parameters": OBJECT}}]


def schema_format(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": "A", "strict": True,
                                                   "schema": schema}}


REFUSED = [
    ({"messages": USER}, "you must provide a model parameter"),
    ({"model": "gpt-9", "messages": USER}, "The model `gpt-9` does not exist"),
    ({"model": "gpt-4.1", "messages": USER, "max_output_tokens": 5},
     "Unrecognized request argument supplied: max_output_tokens"),
    ({"model": "gpt-4.1", "messages": []}, "Invalid 'messages': empty array"),
    ({"model": "o4-mini", "messages": USER, "max_tokens": 10},
     "Unsupported parameter: 'max_tokens' is not supported with this model"),
    ({"model": "o4-mini", "messages": USER, "temperature": 0.2},
     "Unsupported value: 'temperature' does not support 0.2"),
    ({"model": "gpt-4o", "messages": USER, "max_tokens": 20_000},
     "max_tokens is too large: 20000. This model supports at most 16384"),
    ({"model": "gpt-4.1", "messages": USER, "stream_options": {"include_usage": True}},
     "The 'stream_options' parameter is only allowed when 'stream' is enabled."),
    ({"model": "gpt-4.1", "messages": [*USER, {"role": "tool", "tool_call_id": "call_1",
                                                "content": "x"}]},
     "messages with role 'tool' must be a response to a preceeding message with 'tool_calls'"),
    ({"model": "gpt-4.1", "messages": [*USER, {"role": "assistant", "content": None,
                                                "tool_calls": [CALL]}], "tools": TOOLS},
     "did not have response messages: call_1"),
    ({"model": "gpt-4.1", "messages": USER, "tool_choice": "auto"},
     "'tool_choice' is only allowed when 'tools' are specified"),
    ({"model": "gpt-4.1", "messages": USER, "tools": TOOLS,
      "tool_choice": {"type": "function", "function": {"name": "other"}}},
     "function 'other' is not among the tools"),
    ({"model": "gpt-4.1", "messages": USER,
      "response_format": schema_format({**OBJECT, "additionalProperties": True})},
     "'additionalProperties' is required to be supplied and to be false"),
    ({"model": "gpt-4.1", "messages": USER,
      "response_format": schema_format({**OBJECT, "required": []})},
     "including every key in properties. Missing 'a'"),
    ({"model": "gpt-4.1", "messages": USER, "response_format": schema_format(
        {**OBJECT, "properties": {"a": {"type": "string", "minLength": 1}}})},
     "'minLength' is not permitted"),
]


async def post(fake: FakeOpenAI, body: dict[str, Any], key: str = API_KEY) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.post(
            f"{fake.url}/chat/completions", json=body,
            headers={"Authorization": f"Bearer {key}"}) as response:
        return response.status, await response.json()


@pytest.mark.parametrize(("body", "message"), REFUSED, ids=[m[:30] for _, m in REFUSED])
async def test_a_request_the_api_refuses_is_refused_in_its_words(
    body: dict[str, Any], message: str,
) -> None:
    async with FakeOpenAI(answer=canned_answer) as fake:
        status, answer = await post(fake, body)
    assert status in (400, 404)
    assert message in answer["error"]["message"]
    assert fake.rejected == [answer["error"]["message"]]


async def test_a_wrong_key_is_refused_and_a_local_server_checks_none() -> None:
    async with FakeOpenAI(answer=canned_answer) as fake:
        status, answer = await post(fake, {"model": "gpt-4.1", "messages": USER}, key="no")
    assert (status, answer["error"]["code"]) == (401, "invalid_api_key")


@pytest.mark.parametrize(("feature", "body"), [
    ("json_schema", {"response_format": schema_format(OBJECT)}),
    ("tools", {"tools": TOOLS}),
])
async def test_a_server_without_a_feature_refuses_it_naming_the_parameter(
    feature: str, body: dict[str, Any],
) -> None:
    async with FakeOpenAI(answer=canned_answer, **{feature: False}) as fake:
        status, answer = await post(fake, {"model": "gpt-4.1", "messages": USER, **body})
    assert status == 400
    assert answer["error"]["param"] == next(iter(body))
