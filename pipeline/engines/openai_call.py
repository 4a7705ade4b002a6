"""One Chat Completions request, sent until it completes (limited, warmed, retried and billed by
pipeline/engines/metered.py), streamed or whole.

A streamed answer counts only once a chunk gave its `finish_reason`: a stream that breaks off
(an HTTP-layer error such as `RemoteProtocolError`) or ends before one is a transient failure
like a 503. The API reports usage only in a stream's last chunk (`stream_options.include_usage`),
so a stream that broke off leaves nothing the client can bill. A server that sends no usage for
a completed answer (or refuses `stream_options`) gets its tokens estimated from the text, and the
ask's notes say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai
from openai import AsyncOpenAI, AsyncStream
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam

from pipeline.engines.base import Usage
from pipeline.engines.capabilities import Capabilities
from pipeline.engines.limiter import Charge
from pipeline.engines.metered import Attempted, Metered, Slot, Spent
from pipeline.engines.openai_errors import UnsupportedFeature, engine_error
from pipeline.engines.openai_request import Completion, input_chars
from pipeline.engines.warmup import Started
from pipeline.errors import TransientEngineError

Meter = Callable[[str, CompletionUsage], Usage]
"""Turns the API's usage of a model into ours (tokens and their price)."""
ESTIMATE_CHARS_PER_TOKEN = 4
NO_USAGE = ("{provider} sent no usage for {model}'s {what}: their tokens are estimated from "
            "the text's length ({chars} characters a token)")
LIMITER_CHARS_PER_TOKEN = 3
"""The limiter's estimate errs high (code runs 3-4 characters a token)."""


@dataclass(frozen=True)
class Request:
    """One request's fixed parts; the messages grow with a repair."""

    provider: str
    model: str
    caps: Capabilities
    max_tokens: int
    stream: bool
    rate_class: str
    temperature: float | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    """What the JSON mode adds (`response_format`, or `tools` and `tool_choice`)."""
    prefix_key: str = ""

    def params(self, messages: list[ChatCompletionMessageParam],
               stream_usage: bool) -> dict[str, Any]:
        """Keyword arguments of the SDK call."""
        params: dict[str, Any] = {"model": self.model, "messages": messages,
                                  self.caps.max_tokens_field: self.max_tokens, **self.fields}
        if self.temperature is not None:
            params["temperature"] = self.temperature
        if self.stream:
            params["stream"] = True
            if stream_usage:
                params["stream_options"] = {"include_usage": True}
        return params


class Caller:
    """Sends Chat Completions requests through one client and one engine's metered calls."""

    def __init__(self, client: AsyncOpenAI, metered: Metered, meter: Meter,
                 key_variable: str) -> None:
        self._client = client
        self._metered = metered
        self._meter = meter
        self._key_variable = key_variable
        self._no_stream_usage: set[str] = set()
        """Models whose server refused `stream_options`."""

    async def send(self, request: Request, messages: list[ChatCompletionMessageParam],
                   spent: Spent) -> Completion:
        """The completed answer; every billed attempt's usage goes to `spent`."""
        estimate = input_chars(messages) // LIMITER_CHARS_PER_TOKEN
        slot = Slot(request.rate_class, Charge(estimate, request.max_tokens), request.prefix_key,
                    what=f"chat completions {request.provider} {request.model}")

        async def attempt(started: Started) -> Attempted[Completion]:
            stream_usage = request.model not in self._no_stream_usage
            try:
                return await self._attempt(request, messages, started, stream_usage, spent)
            except UnsupportedFeature as exc:
                if exc.feature != "stream_options" or not stream_usage:
                    raise
                self._no_stream_usage.add(request.model)
                return await self._attempt(request, messages, started, False, spent)

        return await self._metered.call(slot, attempt, spent)

    async def _attempt(self, request: Request, messages: list[ChatCompletionMessageParam],
                       started: Started, stream_usage: bool,
                       spent: Spent) -> Attempted[Completion]:
        params = request.params(messages, stream_usage)
        try:
            raw = await self._client.chat.completions.with_raw_response.create(**params)
            started()
            if not request.stream:
                whole: ChatCompletion = raw.parse()
                completion, usage = _whole(whole)
            else:
                chunks: AsyncStream[ChatCompletionChunk] = raw.parse()
                completion, usage = await _streamed(chunks, request.model)
        except openai.OpenAIError as exc:
            if isinstance(exc, openai.APIStatusError):
                await self._metered.limiter.observe(request.rate_class, exc.response.headers)
            raise engine_error(exc, request.provider, request.model,
                               self._key_variable) from exc
        except httpx2.TransportError as exc:
            raise TransientEngineError(
                f"the stream from {request.model} on {request.provider} broke off: "
                f"{type(exc).__name__}") from exc
        return Attempted(completion, raw.headers,
                         self._billed(request, messages, completion, usage, spent))

    def _billed(self, request: Request, messages: list[ChatCompletionMessageParam],
                completion: Completion, usage: CompletionUsage | None, spent: Spent) -> Usage:
        if usage is not None:
            return self._meter(request.model, usage)
        what = "streamed answers" if request.stream else "answers"
        spent.note(NO_USAGE.format(provider=request.provider, model=request.model, what=what,
                                   chars=ESTIMATE_CHARS_PER_TOKEN))
        said = len(completion.text) + len(completion.arguments or "")
        guessed = CompletionUsage(
            prompt_tokens=input_chars(messages) // ESTIMATE_CHARS_PER_TOKEN,
            completion_tokens=said // ESTIMATE_CHARS_PER_TOKEN, total_tokens=0)
        return self._meter(request.model, guessed)


def _whole(answer: ChatCompletion) -> tuple[Completion, CompletionUsage | None]:
    if not answer.choices:
        raise TransientEngineError(f"{answer.model} answered without a choice")
    choice = answer.choices[0]
    message = choice.message
    calls = [c for c in message.tool_calls or [] if c.type == "function"]
    first = calls[0] if calls else None
    completion = Completion(
        text=message.content or "", finish_reason=choice.finish_reason,
        arguments=first.function.arguments if first else None,
        call_id=first.id if first else None, refusal=message.refusal)
    return completion, answer.usage


async def _streamed(chunks: AsyncStream[ChatCompletionChunk],
                    model: str) -> tuple[Completion, CompletionUsage | None]:
    text: list[str] = []
    refusal: list[str] = []
    arguments: list[str] = []
    call_id: str | None = None
    finish: str | None = None
    usage: CompletionUsage | None = None
    async for chunk in chunks:
        usage = chunk.usage or usage
        for choice in chunk.choices[:1]:
            delta = choice.delta
            text.append(delta.content or "")
            refusal.append(delta.refusal or "")
            for call in delta.tool_calls or []:
                call_id = call_id or call.id
                arguments.append(call.function.arguments or "" if call.function else "")
            finish = choice.finish_reason or finish
    if finish is None:
        raise TransientEngineError(f"the stream from {model} ended before its finish_reason")
    completion = Completion(
        text="".join(text), finish_reason=finish, refusal="".join(refusal) or None,
        arguments="".join(arguments) if call_id else None, call_id=call_id)
    return completion, usage
