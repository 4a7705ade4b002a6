"""The Messages API fake refuses what the real API refuses, and bills cache prefixes like it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anthropic
import pytest
from anthropic import AsyncAnthropic

from tests.fakes.anthropic_api import API_KEY, FakeAnthropic
from tests.fakes.canned_answers import canned_answer
from tests.fakes.prompt_asks import NoAsk, ask_from_text

MODEL = "claude-sonnet-4-6"
ASK = '```ask CriticAsk\n{"idea": "a todo list"}\n```'
USER = {"role": "user", "content": ASK}
LONG = "conventions " * 500  # about 1,500 tokens: above the minimum cacheable length


@pytest.fixture
async def client() -> AsyncIterator[tuple[FakeAnthropic, AsyncAnthropic]]:
    async with FakeAnthropic(answer=canned_answer, min_cache_tokens=1024) as fake:
        yield fake, AsyncAnthropic(api_key=API_KEY, base_url=fake.url, max_retries=0)


async def send(sdk: AsyncAnthropic, **overrides: Any) -> anthropic.types.Message:
    body: dict[str, Any] = {"model": MODEL, "max_tokens": 1024, "messages": [USER]}
    body.update(overrides)
    return await sdk.post("/v1/messages", body=body, cast_to=anthropic.types.Message)


BAD_REQUESTS: list[tuple[str, dict[str, Any], str]] = [
    ("max_tokens missing", {"max_tokens": None}, "max_tokens: Field required"),
    ("max_tokens zero", {"max_tokens": 0}, "greater than or equal to 1"),
    ("max_tokens too big", {"max_tokens": 10**6}, "maximum allowed number of output tokens"),
    ("first turn not user", {"messages": [{"role": "assistant", "content": "hi"}]},
     "first message must use the \"user\" role"),
    ("roles not alternating", {"messages": [USER, USER]}, "roles must alternate"),
    ("no messages", {"messages": []}, "at least one message is required"),
    ("empty text", {"messages": [{"role": "user", "content": [{"type": "text", "text": ""}]}]},
     "text content blocks must be non-empty"),
    ("unknown field", {"temperatur": 0.5}, "temperatur: Extra inputs are not permitted"),
    ("temperature too high", {"temperature": 1.5}, "temperature"),
    ("tool schema not an object",
     {"tools": [{"name": "answer", "input_schema": {"type": "array"}}]},
     "input_schema: JSON schema is invalid"),
    ("tool name bad", {"tools": [{"name": "an answer", "input_schema": {"type": "object"}}]},
     "tools.0.name: String should match pattern"),
    ("tool choice unknown", {"tool_choice": {"type": "tool", "name": "answer"}},
     "tool 'answer' not found in tools"),
    ("cache_control on a message", {"messages": [{**USER, "cache_control": {"type": "ephemeral"}}]},
     "cache_control goes on a content block"),
    ("cache_control of an unknown kind",
     {"system": [{"type": "text", "text": "x", "cache_control": {"type": "forever"}}]},
     "system.0.cache_control"),
    ("five cache breakpoints",
     {"system": [{"type": "text", "text": f"part {i}", "cache_control": {"type": "ephemeral"}}
                 for i in range(5)]},
     "A maximum of 4 blocks with cache_control may be provided. Found 5."),
    ("tool_result without its tool_use",
     {"messages": [USER, {"role": "assistant", "content": "ok"},
                   {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1",
                                                 "content": "x"}]}]},
     "unexpected `tool_use_id`"),
    ("tool_use left unanswered",
     {"messages": [USER, {"role": "assistant", "content": [
         {"type": "tool_use", "id": "t1", "name": "answer", "input": {}}]},
         {"role": "user", "content": "go on"}]},
     "`tool_use` ids were found without `tool_result` blocks"),
]


@pytest.mark.parametrize(("overrides", "message"), [(o, m) for _, o, m in BAD_REQUESTS],
                         ids=[name for name, _, _ in BAD_REQUESTS])
async def test_malformed_requests_get_400(
    client: tuple[FakeAnthropic, AsyncAnthropic], overrides: dict[str, Any], message: str,
) -> None:
    fake, sdk = client
    body = {k: v for k, v in overrides.items() if v is not None}
    if overrides.get("max_tokens", 1) is None:
        body["max_tokens"] = anthropic.omit
    with pytest.raises(anthropic.BadRequestError) as caught:
        await send(sdk, **body)
    assert caught.value.type == "invalid_request_error"
    assert message in str(caught.value.api_message)
    assert fake.tally.answers == 0


async def test_an_unknown_model_is_404(client: tuple[FakeAnthropic, AsyncAnthropic]) -> None:
    _, sdk = client
    with pytest.raises(anthropic.NotFoundError, match="model: claude-9"):
        await send(sdk, model="claude-9")


async def test_a_wrong_key_is_401(client: tuple[FakeAnthropic, AsyncAnthropic]) -> None:
    fake, _ = client
    other = AsyncAnthropic(api_key="sk-nope", base_url=fake.url, max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        await send(other)


async def test_a_cached_prefix_is_written_once_then_read(
    client: tuple[FakeAnthropic, AsyncAnthropic],
) -> None:
    _, sdk = client
    system = [{"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}}]
    first = await send(sdk, system=system)
    second = await send(sdk, system=system)
    other_model = await send(sdk, system=system, model="claude-haiku-4-5")

    assert first.usage.cache_creation_input_tokens == 1500
    assert first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == 1500
    assert second.usage.cache_creation_input_tokens == 0
    assert second.usage.input_tokens == first.usage.input_tokens
    assert other_model.usage.cache_creation_input_tokens == 1500  # caches are per model


async def test_a_short_prefix_is_not_cached(client: tuple[FakeAnthropic, AsyncAnthropic]) -> None:
    _, sdk = client
    system = [{"type": "text", "text": "short", "cache_control": {"type": "ephemeral"}}]
    await send(sdk, system=system)
    again = await send(sdk, system=system)
    assert again.usage.cache_read_input_tokens == 0


async def test_a_stream_carries_the_same_usage_as_the_tally(
    client: tuple[FakeAnthropic, AsyncAnthropic],
) -> None:
    fake, sdk = client
    async with sdk.messages.stream(model=MODEL, max_tokens=1024, messages=[
        {"role": "user", "content": ASK}
    ]) as stream:
        message = await stream.get_final_message()
    assert message.usage.output_tokens == fake.tally.output_tokens > 0
    assert message.usage.input_tokens == fake.tally.input_tokens
    assert message.stop_reason == "end_turn"


def test_a_prompt_without_an_ask_block_is_refused() -> None:
    with pytest.raises(NoAsk):
        ask_from_text("just words")
