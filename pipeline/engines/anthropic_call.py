"""One Messages API request, sent until it completes (limited, warmed, retried and fully billed
by pipeline/engines/metered.py).

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
from pipeline.engines.limiter import Charge
from pipeline.engines.metered import Attempted, Metered, Slot, Spent
from pipeline.engines.warmup import Started
from pipeline.errors import TransientEngineError

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
    """Names the cached prefix for the warm-up (see metered.Slot)."""

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


class Caller:
    """Sends Messages API requests through one client and one engine's metered calls."""

    def __init__(self, client: AsyncAnthropic, metered: Metered, meter: Meter) -> None:
        self._client = client
        self._metered = metered
        self._meter = meter

    async def send(self, request: Request, messages: list[MessageParam], spent: Spent) -> Message:
        """The completed message; every billed attempt's usage goes to `spent`."""
        estimate = req.input_chars(request.system, messages) // req.CHARS_PER_TOKEN
        slot = Slot(request.caps.rate_class, Charge(estimate, request.max_tokens),
                    request.prefix_key, what=f"messages {request.model}")

        async def attempt(started: Started) -> Attempted[Message]:
            message, headers = await self._attempt(request, messages, started)
            return Attempted(message, headers, self._meter(request.model, message.usage))

        return await self._metered.call(slot, attempt, spent)

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
                await self._metered.limiter.observe(request.caps.rate_class,
                                                    exc.response.headers)
            error = engine_error(exc, request.model)
            error.usage = self._billed(request.model, billed)
            raise error from exc
        except httpx2.TransportError as exc:
            raise TransientEngineError(
                f"the stream from {request.model} broke off: {type(exc).__name__}",
                usage=self._billed(request.model, billed)) from exc

    def _billed(self, model: str, usage: api.Usage | None) -> Usage | None:
        return None if usage is None else self._meter(model, usage)

