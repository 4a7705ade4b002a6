"""The `anthropic` engine: asks answered by Claude models through the official SDK.

What is sent follows the model's capabilities (pipeline/engines/capabilities.py): JSON roles
answer through structured output where the model has it, else through an answer tool (forced
unless the model thinks by default); `temperature` goes only to models that take it; max_tokens
never exceeds the model's output limit. An answer is complete only on `end_turn` (or the answer
tool's `tool_use`): `pause_turn` is continued, `refusal` raises Refused with the model's words,
`model_context_window_exceeded` retries once with dependencies cut to signatures, and a file cut
off at max_tokens comes back as FileBody(truncated=True), so it is never committed. JSON that
does not validate gets one repair turn quoting the error, then InvalidAnswer.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import TypeVar

from anthropic import AsyncAnthropic, Timeout
from anthropic.types import ContentBlock, Message, MessageParam
from anthropic.types import Usage as ApiUsage
from pydantic import BaseModel

from pipeline import pricing
from pipeline.asks import Ask, FileAsk, Role
from pipeline.config import FactoryConfig
from pipeline.engines import anthropic_request as req
from pipeline.engines import structured
from pipeline.engines.anthropic_call import Caller, Request
from pipeline.engines.asking import (
    MAX_TOKENS,
    ContextExceeded,
    answer_ask,
    metered,
    model_for,
    temperature_for,
)
from pipeline.engines.base import Reply, Usage
from pipeline.engines.capabilities import capabilities
from pipeline.engines.limiter import RateLimiter
from pipeline.engines.metered import Spent
from pipeline.engines.prompts import render
from pipeline.engines.retry import RetryPolicy
from pipeline.errors import ConfigError, EngineError, Refused

A = TypeVar("A", bound=BaseModel)

READ_TIMEOUT_S = 600.0
CONNECT_TIMEOUT_S = 10.0
MAX_CONTINUATIONS = 3
"""`pause_turn` answers continued before the answer counts as incomplete."""
COMPLETE = frozenset({"end_turn", "stop_sequence", "tool_use"})
MISSING_KEY = "ANTHROPIC_API_KEY is not set: the anthropic engine needs it (or --engine offline)"
REFUSED = "{model} refused to answer ({role}){said}"
PAUSED = "{model} paused its answer {n} times without finishing"
UNKNOWN_STOP = "{model} stopped for an unknown reason: {reason!r}"


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
        timeout_s: float = READ_TIMEOUT_S,
    ) -> None:
        config.check_prices()  # before any call, not after the first one was billed
        self._config = config
        self._owns_client = client is None
        # Our retries are the only ones: the SDK's would hide faults from the limiter and tests.
        base = client if client is not None else AsyncAnthropic()
        timeout = Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))
        self._client = base.with_options(max_retries=0, timeout=timeout)
        if self._client.api_key is None and self._client.auth_token is None:
            raise ConfigError(MISSING_KEY)
        self._caller = Caller(self._client, metered(config, retry, limiter), self._usage)

    async def ask(self, ask: Ask, answer_type: type[A]) -> Reply[A]:
        """Answer `ask`; the usage sums every billed call it took (retries, repairs, drops)."""
        return await answer_ask(ask, self._model(ask),
                                lambda a, spent: self._answer(a, answer_type, spent))

    async def aclose(self) -> None:
        """Close the HTTP connections, when this engine opened them."""
        if self._owns_client:
            await self._client.close()

    def _model(self, ask: Ask) -> str:
        return model_for(ask, self._config)

    def _request(self, ask: Ask, answer_type: type[BaseModel]) -> tuple[Request, MessageParam]:
        model = self._model(ask)
        caps = capabilities(model)
        system, first = req.prompt_blocks(render(ask), caps.min_cache_tokens)
        prefix = req.cached_prefix(system, first)
        key = f"{model}:{hashlib.sha256(prefix.encode()).hexdigest()}" if prefix else ""
        temperature = temperature_for(ask)
        request = Request(
            model=model, caps=caps, max_tokens=min(MAX_TOKENS[ask.role], caps.max_output_tokens),
            system=system, stream=isinstance(ask, FileAsk), prefix_key=key,
            temperature=temperature if caps.temperature else None,
        )
        if isinstance(ask, FileAsk):
            return request, first
        if caps.structured_output:
            return replace(request, output_config=req.structured_output(answer_type)), first
        tools = [req.answer_tool(answer_type)]
        return replace(request, tools=tools, tool_choice=req.tool_choice(caps)), first

    async def _answer(self, ask: Ask, answer_type: type[A], spent: Spent) -> A:
        request, first = self._request(ask, answer_type)
        if isinstance(ask, FileAsk):
            message = await self._complete(request, [first], spent, ask.role)
            text = "".join(b.text for b in message.content if b.type == "text")
            truncated = message.stop_reason == "max_tokens"
            body = {"content": structured.file_content(text, ask.spec.path),
                    "truncated": truncated}
            return answer_type.model_validate(body)

        async def once(
            previous: Message | None, error: structured.AnswerRejected | None
        ) -> tuple[Message, Usage]:
            turns = [first]
            if previous is not None and error is not None:
                turns = req.merge_user_turns([first, *req.repair_turns(previous, error)])
            message = await self._complete(request, turns, spent, ask.role)
            return message, Usage(model=request.model)

        label = f"the {ask.role.value} answer from {request.model}"
        answer, _ = await structured.answer_with_repair(answer_type, once, req.raw_answer, label)
        return answer

    async def _complete(self, request: Request, messages: list[MessageParam], spent: Spent,
                        role: Role) -> Message:
        """Send until the model finishes: a paused turn is continued, other stops are raised."""
        turns = list(messages)
        said: list[ContentBlock] = []
        for _ in range(MAX_CONTINUATIONS + 1):
            message = await self._caller.send(request, turns, spent)
            said += message.content
            message = message.model_copy(update={"content": said})
            reason = message.stop_reason
            if reason in COMPLETE or reason == "max_tokens":
                return message
            if reason == "refusal":
                words = "".join(b.text for b in message.content if b.type == "text").strip()
                raise Refused(REFUSED.format(model=request.model, role=role.value,
                                             said=f": {words}" if words else ""))
            if reason == "model_context_window_exceeded":
                raise ContextExceeded(f"{request.model}: context window exceeded")
            if reason != "pause_turn":
                raise EngineError(UNKNOWN_STOP.format(model=request.model, reason=reason))
            # The model paused a long turn: send its turn back and it carries on from there.
            turns = [*messages, {"role": "assistant", "content": req.assistant_content(message)}]
        raise EngineError(PAUSED.format(model=request.model, n=MAX_CONTINUATIONS + 1))

    def _usage(self, model: str, used: ApiUsage) -> Usage:
        tokens = {
            "input_tokens": used.input_tokens,
            "output_tokens": used.output_tokens,
            "cache_write_tokens": used.cache_creation_input_tokens or 0,
            "cache_read_tokens": used.cache_read_input_tokens or 0,
        }
        cost = pricing.cost(self._config.price(model), **tokens)
        return Usage(model=model, cost_usd=cost, **tokens)
