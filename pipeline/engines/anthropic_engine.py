"""The `anthropic` engine: asks answered by Claude models through the official SDK.

JSON roles answer through a forced tool whose input schema is the answer's JSON schema; an
answer that does not validate gets one repair turn quoting the error, then InvalidAnswer.
File bodies are streamed as plain text. A file cut off at max_tokens comes back as
FileBody(truncated=True) holding what was written, so the executor counts the attempt as failed
(and shows the model its cut-off text) instead of ever committing it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TypeVar

import anthropic
from anthropic import AsyncAnthropic, omit
from anthropic.types import Message, MessageParam, TextBlockParam, ToolParam
from pydantic import BaseModel

from pipeline import pricing
from pipeline.asks import Ask, FileAsk, PlanReviewAsk, Role
from pipeline.config import FactoryConfig
from pipeline.engines import anthropic_request as req
from pipeline.engines import structured
from pipeline.engines.anthropic_errors import engine_error
from pipeline.engines.base import Reply, Usage
from pipeline.engines.limiter import RateLimiter, shared_limiter
from pipeline.engines.prompts import render
from pipeline.engines.retry import RetryPolicy, with_retries
from pipeline.errors import ConfigError

A = TypeVar("A", bound=BaseModel)

MAX_TOKENS = {
    Role.CRITIC: 2_048,
    Role.PLANNER: 8_192,
    Role.PLAN_REVIEWER: 2_048,
    Role.EXECUTOR: 16_384,
    Role.FILE_REVIEWER: 2_048,
    Role.JUDGE: 4_096,
}
DEFAULT_TIMEOUT_S = 600.0
CHARS_PER_TOKEN = 4
MISSING_KEY = "ANTHROPIC_API_KEY is not set: the anthropic engine needs it (or --engine offline)"


@dataclass(frozen=True)
class _Call:
    """One request's fixed parts; the messages grow with a repair turn."""

    model: str
    max_tokens: int
    temperature: float | None
    system: list[TextBlockParam]
    tools: list[ToolParam]

    def extra_body(self) -> dict[str, float] | None:
        # This SDK's typed parameters no longer carry `temperature`; the API still takes it.
        return None if self.temperature is None else {"temperature": self.temperature}


class AnthropicEngine:
    """Answers asks with the models the config names for each role."""

    name = "anthropic"
    offline = False

    def __init__(
        self,
        config: FactoryConfig,
        *,
        client: AsyncAnthropic | None = None,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._config = config
        self._owns_client = client is None
        # Our retries are the only ones: the SDK's would hide faults from the limiter and tests.
        base = client if client is not None else AsyncAnthropic()
        self._client = base.with_options(max_retries=0, timeout=timeout_s)
        if self._client.api_key is None and self._client.auth_token is None:
            raise ConfigError(MISSING_KEY)
        self._retry = retry or RetryPolicy()
        self._limiter = limiter or shared_limiter(
            config.requests_per_minute, config.tokens_per_minute
        )

    async def ask(self, ask: Ask, answer_type: type[A]) -> Reply[A]:
        """Answer `ask`; the usage sums every call it took (retries and the repair turn)."""
        started = time.monotonic()
        prompt = render(ask)
        call = self._call_for(ask, answer_type, req.system_blocks(prompt))
        first = [req.first_turn(prompt)]
        if isinstance(ask, FileAsk):
            answer, usage = await self._write_file(call, first, answer_type)
        else:
            answer, usage = await self._answer_json(call, first, answer_type, ask.role)
        return Reply(answer, replace(usage, seconds=time.monotonic() - started))

    async def aclose(self) -> None:
        """Close the HTTP connections, when this engine opened them."""
        if self._owns_client:
            await self._client.close()

    def _call_for(
        self, ask: Ask, answer_type: type[BaseModel], system: list[TextBlockParam]
    ) -> _Call:
        temperature: float | None = None
        if isinstance(ask, PlanReviewAsk):
            model, temperature = ask.reviewer.model, ask.reviewer.temperature
        else:
            model = getattr(self._config.models, ask.role.value)
        tools = [] if isinstance(ask, FileAsk) else [req.answer_tool(answer_type)]
        return _Call(model, MAX_TOKENS[ask.role], temperature, system, tools)

    async def _write_file(
        self, call: _Call, messages: list[MessageParam], answer_type: type[A]
    ) -> tuple[A, Usage]:
        message, usage = await self._send(call, messages, stream=True)
        text = "".join(b.text for b in message.content if b.type == "text")
        truncated = message.stop_reason == "max_tokens"
        body = {"content": structured.strip_fence(text), "truncated": truncated}
        return answer_type.model_validate(body), usage

    async def _answer_json(
        self, call: _Call, messages: list[MessageParam], answer_type: type[A], role: Role
    ) -> tuple[A, Usage]:
        async def once(
            previous: Message | None, error: structured.AnswerRejected | None
        ) -> tuple[Message, Usage]:
            turns = messages
            if previous is not None and error is not None:
                turns = req.merge_user_turns([*messages, *req.repair_turns(previous, error)])
            return await self._send(call, turns, stream=False)

        label = f"the {role.value} answer from {call.model}"
        return await structured.answer_with_repair(answer_type, once, req.raw_answer, label)

    async def _send(
        self, call: _Call, messages: list[MessageParam], *, stream: bool
    ) -> tuple[Message, Usage]:
        estimate = req.input_chars(call.system, messages) // CHARS_PER_TOKEN

        async def once() -> Message:
            await self._limiter.acquire(estimate)
            try:
                if stream:
                    return await self._stream(call, messages)
                return await self._client.messages.create(
                    model=call.model, max_tokens=call.max_tokens, system=call.system,
                    messages=messages, tools=call.tools or omit,
                    tool_choice=req.forced_tool() if call.tools else omit,
                    extra_body=call.extra_body(),
                )
            except anthropic.AnthropicError as exc:
                raise engine_error(exc, call.model) from exc

        message = await with_retries(once, self._retry, what=f"messages {call.model}")
        usage = self._usage(call.model, message)
        self._limiter.settle(estimate, usage.total_tokens - usage.cache_read_tokens)
        return message, usage

    async def _stream(self, call: _Call, messages: list[MessageParam]) -> Message:
        async with self._client.messages.stream(
            model=call.model, max_tokens=call.max_tokens, system=call.system, messages=messages,
            extra_body=call.extra_body(),
        ) as stream:
            return await stream.get_final_message()

    def _usage(self, model: str, message: Message) -> Usage:
        used = message.usage
        tokens = {
            "input_tokens": used.input_tokens,
            "output_tokens": used.output_tokens,
            "cache_write_tokens": used.cache_creation_input_tokens or 0,
            "cache_read_tokens": used.cache_read_input_tokens or 0,
        }
        cost = pricing.cost(self._config.price(model), **tokens)
        return Usage(model=model, cost_usd=cost, **tokens)
