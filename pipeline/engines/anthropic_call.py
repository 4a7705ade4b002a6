"""One Messages API request, sent until it completes: limited, warmed, retried, fully billed.

A streamed answer counts only when `message_stop` arrived. A stream that drops (an HTTP-layer
error such as `RemoteProtocolError`, which the SDK does not wrap) or ends early is a transient
failure like a 529, and what the API had reported as billed before it broke (the
`message_start` usage) is added to the call's usage, so the ledger matches the bill.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import anthropic
import httpx2
from anthropic import AsyncAnthropic, omit
from anthropic import types as api
from anthropic.types import Message, MessageParam

from pipeline.engines import anthropic_request as req
from pipeline.engines.anthropic_errors import engine_error
from pipeline.engines.base import Usage
from pipeline.engines.capabilities import Capabilities
from pipeline.engines.limiter import Charge, RateLimiter
from pipeline.engines.retry import RetryPolicy, with_retries
from pipeline.engines.warmup import PrefixWarmer
from pipeline.errors import EngineError, TransientEngineError

Meter = Callable[[str, api.Usage], Usage]
"""Turns the API's usage of a model into ours (tokens and their price)."""


@dataclass(frozen=True)
class Request:
    """One request's fixed parts; the messages grow with a repair or a continuation."""

    model: str
    caps: Capabilities
    max_tokens: int
    system: list[api.TextBlockParam]
    stream: bool
    temperature: float | None = None
    tools: list[api.ToolParam] = field(default_factory=list)
    tool_choice: api.ToolChoiceParam | None = None
    output_config: api.OutputConfigParam | None = None
    prefix_key: str = ""
    """Names the cached prefix (model and text) for the warm-up; "" when nothing is cached."""

    def params(self, messages: list[MessageParam]) -> dict[str, Any]:
        """Keyword arguments of the SDK call."""
        # This SDK's typed parameters no longer carry `temperature`; the API still takes it
        # from the models whose capabilities say so.
        sampling = None if self.temperature is None else {"temperature": self.temperature}
        return {
            "model": self.model, "max_tokens": self.max_tokens, "system": self.system,
            "messages": messages, "tools": self.tools or omit,
            "tool_choice": self.tool_choice or omit,
            "output_config": self.output_config or omit, "extra_body": sampling,
        }


@dataclass
class Spent:
    """Everything one ask was billed, across retries, repairs and continuations."""

    usage: Usage | None = None

    def add(self, usage: Usage | None) -> None:
        if usage is not None:
            self.usage = usage if self.usage is None else self.usage + usage


class Caller:
    """Sends requests through one client, limiter, warm-up and retry policy."""

    def __init__(self, client: AsyncAnthropic, limiter: RateLimiter, retry: RetryPolicy,
                 meter: Meter, warmer: PrefixWarmer | None = None) -> None:
        self._client = client
        self._limiter = limiter
        self._retry = retry
        self._meter = meter
        self._warmer = warmer or PrefixWarmer()

    async def send(self, request: Request, messages: list[MessageParam], spent: Spent) -> Message:
        """The completed message; every billed attempt's usage goes to `spent`."""
        estimate = req.input_chars(request.system, messages) // req.CHARS_PER_TOKEN
        reserved = Charge(estimate, request.max_tokens)
        rate_class = request.caps.rate_class

        async def once() -> Message:
            async with self._warmer.turn(request.prefix_key) as started:
                await self._limiter.acquire(rate_class, reserved)
                try:
                    message, headers = await self._attempt(request, messages, started)
                except EngineError as exc:
                    spent.add(exc.usage)
                    used = exc.usage
                    await self._limiter.settle(rate_class, reserved, _charge(used))
                    raise
            await self._limiter.observe(rate_class, headers)
            usage = self._meter(request.model, message.usage)
            spent.add(usage)
            await self._limiter.settle(rate_class, reserved, _charge(usage))
            return message

        return await with_retries(once, self._retry, what=f"messages {request.model}")

    async def _attempt(self, request: Request, messages: list[MessageParam],
                       started: Callable[[], None]) -> tuple[Message, Mapping[str, str]]:
        billed: api.Usage | None = None
        try:
            if not request.stream:
                raw = await self._client.messages.with_raw_response.create(
                    **request.params(messages))
                started()
                return await raw.parse(), raw.headers
            async with self._client.messages.stream(**request.params(messages)) as stream:
                complete = False
                async for event in stream:
                    if event.type == "message_start":
                        billed = event.message.usage
                        started()
                    complete = complete or event.type == "message_stop"
                if not complete:
                    raise TransientEngineError(
                        f"the stream from {request.model} ended before message_stop",
                        usage=self._billed(request.model, billed))
                return stream.current_message_snapshot, stream.response.headers
        except anthropic.AnthropicError as exc:
            if isinstance(exc, anthropic.APIStatusError):
                await self._limiter.observe(request.caps.rate_class, exc.response.headers)
            error = engine_error(exc, request.model)
            error.usage = self._billed(request.model, billed)
            raise error from exc
        except httpx2.TransportError as exc:
            raise TransientEngineError(
                f"the stream from {request.model} broke off: {type(exc).__name__}",
                usage=self._billed(request.model, billed)) from exc

    def _billed(self, model: str, usage: api.Usage | None) -> Usage | None:
        return None if usage is None else self._meter(model, usage)


def _charge(usage: Usage | None) -> Charge:
    """What a call counted against the limits: cache reads are free, as on the API."""
    if usage is None:
        return Charge(0, 0)
    return Charge(usage.input_tokens + usage.cache_write_tokens, usage.output_tokens)
