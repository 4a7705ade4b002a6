"""An Anthropic Messages API fake on loopback: checks requests, answers asks, injects faults.

Point the SDK at it with `base_url=fake.url` (or ANTHROPIC_BASE_URL). Answers come from
`answer(ask)`, the ask being rebuilt from the prompt's fenced ask blocks. `script` holds faults
taken one per request, in order: "429" (with retry-after), "529", "500", "timeout" (hang past
the client's timeout), "reset" (drop the connection), "truncate" (stop at max_tokens) and
"invalid" (an answer that does not match the schema); "ok" answers normally.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, get_args

from aiohttp import web
from anthropic.types import Model
from pydantic import BaseModel

from pipeline.answers import FileBody
from pipeline.asks import Ask
from tests.fakes.anthropic_rules import Rejected, check_request
from tests.fakes.anthropic_tokens import PromptCache, count
from tests.fakes.prompt_asks import ask_from_text, request_text

Answerer = Callable[[Ask], Awaitable[BaseModel]]
API_KEY = "sk-ant-fake-key"
# The model names the installed SDK knows, plus older ones the default price table still lists.
MODELS = frozenset(get_args(get_args(Model)[0])) | {"claude-opus-4-1"}
FAULTS = frozenset({"ok", "429", "529", "500", "timeout", "reset", "truncate", "invalid"})
STATUS_FAULTS = {
    "429": (429, "rate_limit_error", "Number of request tokens has exceeded your rate limit"),
    "529": (529, "overloaded_error", "Overloaded"),
    "500": (500, "api_error", "Internal server error"),
}
WRONG_ANSWER = {"unexpected": "this is not the schema"}
CHUNK_CHARS = 200


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
class FakeAnthropic:
    """The fake server; `requests` logs every body received, `tally` what was billed."""

    answer: Answerer
    script: list[str] = field(default_factory=list)
    retry_after: str = "1"
    hang_s: float = 60.0
    """How long a "timeout" fault holds its answer at most; it lets go as soon as the next
    request (the client's retry) arrives, so a test never waits the whole of it."""
    min_cache_tokens: int = 0
    models: frozenset[str] = MODELS
    requests: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    billed: list[dict[str, int]] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    url: str = ""
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.cache = PromptCache(self.min_cache_tokens)

    async def start(self) -> str:
        """Serve on a free loopback port; the base URL to give the SDK."""
        app = web.Application()
        app.router.add_post("/v1/messages", self._messages)
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeAnthropic:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        try:
            body: Any = await request.json()
        except json.JSONDecodeError:
            body = None
        self.requests.append(body if isinstance(body, dict) else {})
        try:
            if API_KEY not in (request.headers.get("x-api-key"), _bearer(request)):
                raise Rejected(401, "authentication_error", "invalid x-api-key")
            if not request.headers.get("anthropic-version"):
                raise Rejected(400, "invalid_request_error", "anthropic-version header is required")
            check_request(body, self.models)
        except Rejected as exc:
            self.rejected.append(exc.message)
            return _error(exc.status, exc.kind, exc.message)
        fault = self.script.pop(0) if self.script else "ok"
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; choose from {sorted(FAULTS)}")
        if fault in STATUS_FAULTS:
            status, kind, message = STATUS_FAULTS[fault]
            headers = {"retry-after": self.retry_after} if fault == "429" else {}
            return _error(status, kind, message, headers)
        if fault == "timeout":
            await self._hang()  # the client has given up by now: nothing is billed
            return _error(500, "api_error", "the client went away")
        if fault == "reset":
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)
        answer = await self._answer(body, fault)
        if body.get("stream"):
            return await _stream(request, answer)
        return web.json_response(answer)

    async def _hang(self) -> None:
        seen = len(self.requests)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.hang_s):
                while len(self.requests) == seen:
                    await asyncio.sleep(0.01)

    async def _answer(self, body: dict[str, Any], fault: str) -> dict[str, Any]:
        answer = await self.answer(ask_from_text(request_text(body)))
        forced = (body.get("tool_choice") or {}).get("name")
        budget = body["max_tokens"]
        if forced:
            data = WRONG_ANSWER if fault == "invalid" else answer.model_dump(mode="json")
            output = json.dumps(data)
            stop = "max_tokens" if fault == "truncate" or count(output) > budget else "tool_use"
            block: dict[str, Any] = {"type": "tool_use", "id": f"toolu_{next(self._ids):06d}",
                                     "name": forced, "input": {} if stop == "max_tokens" else data}
        else:
            output = answer.content if isinstance(answer, FileBody) else answer.model_dump_json()
            if fault == "invalid":
                output = "Sure! Here is what you asked for, more or less."
            cut = len(output) // 2 if fault == "truncate" else budget * 4
            stop = "max_tokens" if len(output) > cut else "end_turn"
            output = output[:cut]
            block = {"type": "text", "text": output}
        usage = self._bill(body, output)
        return {
            "id": f"msg_{next(self._ids):06d}", "type": "message", "role": "assistant",
            "model": body["model"], "content": [block], "stop_reason": stop,
            "stop_sequence": None, "usage": usage,
        }

    def _bill(self, body: dict[str, Any], output: str) -> dict[str, int]:
        split = self.cache.split(body)
        usage = {
            "input_tokens": split.input_tokens,
            "cache_creation_input_tokens": split.cache_creation_input_tokens,
            "cache_read_input_tokens": split.cache_read_input_tokens,
            "output_tokens": count(output),
        }
        self.billed.append(usage)
        self.tally.add(usage)
        return usage


def _bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" else None


def _error(status: int, kind: str, message: str,
           headers: dict[str, str] | None = None) -> web.Response:
    body = {"type": "error", "error": {"type": kind, "message": message}}
    return web.json_response(body, status=status, headers=headers)


async def _stream(request: web.Request, message: dict[str, Any]) -> web.StreamResponse:
    response = web.StreamResponse(headers={"content-type": "text/event-stream"})
    await response.prepare(request)

    async def send(event: str, data: dict[str, Any]) -> None:
        await response.write(f"event: {event}\ndata: {json.dumps({'type': event, **data})}\n\n"
                             .encode())

    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None,
             "usage": {**usage, "output_tokens": 1}}
    await send("message_start", {"message": start})
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            await send("content_block_start", {"index": index,
                                               "content_block": {"type": "text", "text": ""}})
            await send("ping", {})
            for at in range(0, len(block["text"]), CHUNK_CHARS):
                delta = {"type": "text_delta", "text": block["text"][at:at + CHUNK_CHARS]}
                await send("content_block_delta", {"index": index, "delta": delta})
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
