"""An Anthropic Messages API fake on loopback: checks requests, answers asks, injects faults.

Point the SDK at it with `base_url=fake.url` (or ANTHROPIC_BASE_URL). Answers come from
`answer(ask)`, the ask being rebuilt from the prompt's fenced ask blocks. `script` holds faults
taken one per request, in order: "429" (with retry-after), "529", "500", "520" (an unlisted
5xx), "no-retry" (a 529 whose `x-should-retry: false` forbids retrying), "timeout" (hang past
the client's timeout), "reset" (drop the connection before answering), "drop" (a stream that
breaks off half-way), "early-end" (a stream that ends half-way without `message_stop`),
"truncate" (stop at max_tokens), "invalid" (an answer that does not match the schema),
"refusal" (stop reason `refusal`), "context" (stop reason `model_context_window_exceeded`),
"pause" (half the answer with `pause_turn`, the rest when the turn is sent back); "ok" answers.
A dropped stream is billed what its `message_start` reported, as the client can only know that.
Every answer carries `anthropic-ratelimit-*` headers; with `limits`, requests beyond a model
class's per-minute buckets get a 429 with `retry-after`, as the real API's do.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, get_args

from aiohttp import web
from anthropic.types import Model

from pipeline.answers import FileBody
from tests.fakes.anthropic_limits import RateBuckets, RateLimits
from tests.fakes.anthropic_rules import Rejected, check_request
from tests.fakes.anthropic_tokens import PromptCache, count
from tests.fakes.model_api import (
    CHUNK_CHARS,
    STREAM_FAULTS,
    WRONG_ANSWER,
    WRONG_TEXT,
    ModelApiFake,
)
from tests.fakes.prompt_asks import ask_from_text, request_text

API_KEY = "sk-ant-fake-key"
# The model names the installed SDK knows, plus older ones the default price table still lists.
MODELS = frozenset(get_args(get_args(Model)[0])) | {"claude-opus-4-1"}
FAULTS = frozenset({"ok", "429", "529", "500", "520", "no-retry", "timeout", "reset", "drop",
                    "early-end", "truncate", "invalid", "refusal", "context", "pause"})
STATUS_FAULTS = {
    "429": (429, "rate_limit_error", "Number of request tokens has exceeded your rate limit"),
    "529": (529, "overloaded_error", "Overloaded"),
    "500": (500, "api_error", "Internal server error"),
    "520": (520, "api_error", "Unknown error"),
    "no-retry": (529, "overloaded_error", "Overloaded"),
}
REFUSAL_TEXT = "I can't help with that."
START_OUTPUT_TOKENS = 1
"""The output tokens a message_start reports, as the real API's do."""


@dataclass
class Tally:
    """Tokens the fake billed, summed over every answer it delivered."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    answers: int = 0

    def add(self, usage: dict[str, int]) -> None:
        self.input_tokens += usage["input_tokens"]
        self.output_tokens += usage["output_tokens"]
        self.cache_creation_input_tokens += usage["cache_creation_input_tokens"]
        self.cache_read_input_tokens += usage["cache_read_input_tokens"]
        self.answers += 1


@dataclass
class FakeAnthropic(ModelApiFake):
    """The fake server; `tally` says what it billed."""

    hang_s: float = 60.0
    """How long a "timeout" fault holds its answer at most; it lets go as soon as the next
    request (the client's retry) arrives, so a test never waits the whole of it."""
    min_cache_tokens: int | None = None
    """One cache minimum for every model; None: each model's real minimum."""
    ttft_s: float = 0.0
    """Seconds before a response starts (a cache entry it writes is readable from then on)."""
    limits: RateLimits | None = None
    """Per-minute limits per model class; None: unlimited (headers still say what is left)."""
    models: frozenset[str] = MODELS
    billed: list[dict[str, int]] = field(default_factory=list)
    limited: int = 0
    """429s answered because a rate limit was exceeded."""
    arrivals: list[float] = field(default_factory=list)
    """When (time.monotonic) each request the limits let through arrived."""
    tally: Tally = field(default_factory=Tally)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    faults = FAULTS

    def __post_init__(self) -> None:
        self.cache = PromptCache(self.min_cache_tokens)
        self.buckets = RateBuckets(self.limits)
        self._written: dict[str, tuple[str, ...]] = {}

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/messages", self._messages)

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        body = await self._logged_body(request)
        try:
            if API_KEY not in (request.headers.get("x-api-key"), _bearer(request)):
                raise Rejected(401, "authentication_error", "invalid x-api-key")
            if not request.headers.get("anthropic-version"):
                raise Rejected(400, "invalid_request_error", "anthropic-version header is required")
            check_request(body, self.models)
        except Rejected as exc:
            self.rejected.append(exc.message)
            return _error(exc.status, exc.kind, exc.message)
        wait = self.buckets.take(body)
        if wait is not None:
            self.limited += 1
            return _error(429, "rate_limit_error", "This request would exceed your rate limit",
                          {"retry-after": str(wait), **self.buckets.headers(body)})
        self.arrivals.append(time.monotonic())
        fault = self._next_fault(body)
        if fault in STATUS_FAULTS:
            status, kind, message = STATUS_FAULTS[fault]
            headers = {"retry-after": self.retry_after} if fault == "429" else {}
            if fault == "no-retry":
                headers["x-should-retry"] = "false"
            return _error(status, kind, message, headers)
        if fault == "timeout":
            await self._hang()  # the client has given up by now: nothing is billed
            return _error(500, "api_error", "the client went away")
        if fault == "reset":
            return self._reset(request)
        answer = await self._answer(body, fault)
        await asyncio.sleep(self.ttft_s)
        self.cache.started(self._written.pop(answer["id"]))
        headers = self.buckets.headers(body)
        self.buckets.settle(body, answer["usage"])
        if body.get("stream"):
            return await _stream(request, answer, headers, fault)
        return web.json_response(answer, headers=headers)

    async def _hang(self) -> None:
        seen = len(self.requests)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.hang_s):
                while len(self.requests) == seen:
                    await asyncio.sleep(0.01)

    async def _answer(self, body: dict[str, Any], fault: str) -> dict[str, Any]:
        answer = await self._answer_ask(ask_from_text(request_text(body)))
        choice = body.get("tool_choice") or {}
        forced = choice.get("name") if choice.get("type") == "tool" else None
        offered = [t["name"] for t in body.get("tools", [])]
        if not forced and offered and fault != "invalid":
            forced = offered[0]  # an unforced answer tool: this model uses it
        budget = body["max_tokens"]
        if fault in ("refusal", "context"):
            output = REFUSAL_TEXT if fault == "refusal" else ""
            stop = "refusal" if fault == "refusal" else "model_context_window_exceeded"
            block: dict[str, Any] = {"type": "text", "text": output}
        elif forced:
            data = WRONG_ANSWER if fault == "invalid" else answer.model_dump(mode="json")
            output = json.dumps(data)
            stop = "max_tokens" if fault == "truncate" or count(output) > budget else "tool_use"
            block = {"type": "tool_use", "id": f"toolu_{next(self._ids):06d}",
                     "name": forced, "input": {} if stop == "max_tokens" else data}
        else:
            output = answer.content if isinstance(answer, FileBody) else answer.model_dump_json()
            if fault == "invalid":
                output = WRONG_TEXT
            output = output[len(_continued(body)):]
            cut = len(output) // 2 if fault == "truncate" else budget * 4
            stop = "max_tokens" if len(output) > cut else "end_turn"
            if fault == "pause":
                cut, stop = len(output) // 2, "pause_turn"
            output = output[:cut]
            block = {"type": "text", "text": output}
        usage, written = self._bill(body, output, fault)
        message_id = f"msg_{next(self._ids):06d}"
        self._written[message_id] = written
        return {
            "id": message_id, "type": "message", "role": "assistant",
            "model": body["model"], "content": [block], "stop_reason": stop,
            "stop_sequence": None, "usage": usage,
        }

    def _bill(self, body: dict[str, Any], output: str,
              fault: str) -> tuple[dict[str, int], tuple[str, ...]]:
        split = self.cache.split(body)
        usage = {
            "input_tokens": split.input_tokens,
            "cache_creation_input_tokens": split.cache_creation_input_tokens,
            "cache_read_input_tokens": split.cache_read_input_tokens,
            # A stream that breaks off is billed what its message_start said.
            "output_tokens": START_OUTPUT_TOKENS if fault in STREAM_FAULTS else count(output),
        }
        self.billed.append(usage)
        self.tally.add(usage)
        return usage, split.written


def _continued(body: dict[str, Any]) -> str:
    """The text of a paused turn sent back for the model to carry on from, else ""."""
    last = body["messages"][-1]
    if last["role"] != "assistant":
        return ""
    content = last["content"]
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content if b.get("type") == "text")


def _bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" else None


def _error(status: int, kind: str, message: str,
           headers: dict[str, str] | None = None) -> web.Response:
    body = {"type": "error", "error": {"type": kind, "message": message}}
    return web.json_response(body, status=status, headers=headers)


async def _stream(request: web.Request, message: dict[str, Any], headers: dict[str, str],
                  fault: str) -> web.StreamResponse:
    response = web.StreamResponse(headers={"content-type": "text/event-stream", **headers})
    await response.prepare(request)

    async def send(event: str, data: dict[str, Any]) -> None:
        await response.write(f"event: {event}\ndata: {json.dumps({'type': event, **data})}\n\n"
                             .encode())

    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None,
             "usage": {**usage, "output_tokens": START_OUTPUT_TOKENS}}
    await send("message_start", {"message": start})
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            await send("content_block_start", {"index": index,
                                               "content_block": {"type": "text", "text": ""}})
            await send("ping", {})
            text = block["text"]
            end = len(text) // 2 if fault in STREAM_FAULTS else len(text)
            for at in range(0, end, CHUNK_CHARS):
                delta = {"type": "text_delta", "text": text[at:min(end, at + CHUNK_CHARS)]}
                await send("content_block_delta", {"index": index, "delta": delta})
            if fault == "drop":
                assert request.transport is not None
                request.transport.abort()
                return response
            if fault == "early-end":
                await response.write_eof()
                return response
        else:
            await send("content_block_start", {"index": index,
                                               "content_block": {**block, "input": {}}})
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
            await send("content_block_delta", {"index": index, "delta": delta})
        await send("content_block_stop", {"index": index})
    await send("message_delta", {
        "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
        "usage": {"output_tokens": usage["output_tokens"]},
    })
    await send("message_stop", {})
    await response.write_eof()
    return response
