"""A Chat Completions API fake on loopback: checks requests, answers asks, caches, injects faults.

Point the SDK at it with `base_url=fake.url` (…/v1). Answers come from `answer(ask)`, the ask
rebuilt from the prompt's fenced ask blocks. `script` holds faults taken one per request, in
order (`stream_script` for streamed requests first): "429" (with retry-after), "500", "503",
"reset" (drop the connection before answering), "timeout" (hang past the client's timeout),
"drop" (a stream that breaks off half-way), "early-end" (a stream that ends half-way without a
finish_reason), "length" (finish_reason `length` half-way), "invalid" (an answer that does not
match the schema), "refusal" (the model's `refusal`), "context" (400
`context_length_exceeded`); "ok" answers.

Like OpenAI, it caches every prompt prefix of 1,024 tokens or more by itself, in steps of 128
tokens, readable once the response that wrote it has started, and reports the hits as
`prompt_tokens_details.cached_tokens`. Usage is reported in a stream's last chunk only when
asked (`stream_options.include_usage`), so a stream that broke off reports nothing: `tally`
sums what was reported, `unreported` what was generated but never reported. A server made
without `json_schema` or `tools` refuses them with a 400, one without `stream_usage` ignores
`stream_options` and reports no usage in streams.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from pipeline.answers import FileBody
from tests.fakes.anthropic_tokens import count
from tests.fakes.model_api import (
    CHUNK_CHARS,
    STREAM_FAULTS,
    WRONG_ANSWER,
    WRONG_TEXT,
    ModelApiFake,
)
from tests.fakes.openai_rules import Rejected, check_request, max_tokens
from tests.fakes.prompt_asks import ask_from_text

API_KEY = "sk-fake-openai-key"
MODELS = frozenset({"gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "o3",
                    "o4-mini", "gpt-5", "gpt-5-mini"})
FAULTS = frozenset({"ok", "429", "500", "503", "reset", "timeout", "drop", "early-end",
                    "length", "invalid", "refusal", "context"})
STATUS_FAULTS = {
    "429": (429, "rate_limit_exceeded", "Rate limit reached for requests"),
    "500": (500, "server_error", "The server had an error while processing your request."),
    "503": (503, "server_error", "The engine is currently overloaded, please try again later."),
}
REFUSAL_TEXT = "I'm sorry, I can't help with that."
CACHE_MIN_TOKENS = 1024
CACHE_STEP_TOKENS = 128
CACHE_LIFETIME_S = 300.0
CHARS_PER_TOKEN = 4


@dataclass
class Tally:
    """Tokens the fake reported, summed over every answer whose usage it sent."""

    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    answers: int = 0

    def add(self, usage: dict[str, Any]) -> None:
        self.prompt_tokens += usage["prompt_tokens"]
        self.cached_tokens += usage["prompt_tokens_details"]["cached_tokens"]
        self.completion_tokens += usage["completion_tokens"]
        self.answers += 1


@dataclass
class FakeOpenAI(ModelApiFake):
    """The fake server; `tally` says what it reported."""

    models: frozenset[str] = MODELS
    api_key: str | None = API_KEY
    """The key the server wants; None: it checks none, as a local server."""
    json_schema: bool = True
    tools: bool = True
    stream_usage: bool = True
    hang_s: float = 2.0
    tally: Tally = field(default_factory=Tally)
    unreported: Tally = field(default_factory=Tally)
    _ids: itertools.count[int] = field(default_factory=itertools.count)
    _cache: dict[str, float] = field(default_factory=dict)

    url_path = "/v1"
    faults = FAULTS

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._completions)

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        body = await self._logged_body(request)
        try:
            if self.api_key is not None and request.headers.get(
                    "authorization") != f"Bearer {self.api_key}":
                raise Rejected(401, "Incorrect API key provided.", None, "invalid_api_key")
            check_request(body, self.models, json_schema=self.json_schema, tools=self.tools)
        except Rejected as exc:
            self.rejected.append(exc.message)
            return web.json_response(exc.body(), status=exc.status)
        fault = self._next_fault(body)
        if fault in STATUS_FAULTS:
            status, code, message = STATUS_FAULTS[fault]
            headers = {"retry-after": self.retry_after} if fault == "429" else {}
            error = Rejected(status, message, None, code, kind=code)
            return web.json_response(error.body(), status=status, headers=headers)
        if fault == "context":
            error = Rejected(400, "This model's maximum context length is 128000 tokens.",
                             "messages", "context_length_exceeded")
            return web.json_response(error.body(), status=400)
        if fault == "timeout":
            await asyncio.sleep(self.hang_s)  # the client has given up by now: nothing is billed
            return web.json_response({}, status=500)
        if fault == "reset":
            return self._reset(request)
        answer = await self._answer(body, fault)
        if body.get("stream"):
            return await self._stream(request, body, answer, fault)
        self.tally.add(answer["usage"])
        return web.json_response(answer, headers=RATE_HEADERS)

    async def _answer(self, body: dict[str, Any], fault: str) -> dict[str, Any]:
        messages = body["messages"]
        text = "\n\n".join(str(m["content"]) for m in messages[:2]
                           if m["role"] in ("system", "user"))
        answer = await self._answer_ask(ask_from_text(text))
        choice = body.get("tool_choice")
        forced = choice["function"]["name"] if isinstance(choice, dict) else None
        offered = [t["function"]["name"] for t in body.get("tools", [])]
        if not forced and offered and choice != "none" and fault != "invalid":
            forced = offered[0]  # an unforced answer function: this model calls it
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        budget = max_tokens(body)
        if fault == "refusal":
            output, finish = REFUSAL_TEXT, "stop"
            message["refusal"] = output
        else:
            data = WRONG_ANSWER if fault == "invalid" else answer.model_dump(mode="json")
            if isinstance(answer, FileBody):
                output = answer.content
            elif forced or body.get("response_format") or fault == "invalid":
                output = json.dumps(data)
            else:
                output = answer.model_dump_json()
            if fault == "invalid" and not forced and not body.get("response_format"):
                output = WRONG_TEXT
            cut = len(output) // 2 if fault == "length" else budget * CHARS_PER_TOKEN
            finish = "length" if len(output) > cut else ("stop" if forced or not offered
                                                          else "tool_calls")
            output = output[:cut]
            if forced:
                message["tool_calls"] = [{"id": f"call_{next(self._ids):06d}",
                                          "type": "function",
                                          "function": {"name": forced, "arguments": output}}]
            else:
                message["content"] = output
        return {
            "id": f"chatcmpl-{next(self._ids):06d}", "object": "chat.completion",
            "created": int(time.time()), "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": finish,
                         "logprobs": None}],
            "usage": self._usage(body, output),
        }

    def _usage(self, body: dict[str, Any], output: str) -> dict[str, Any]:
        segments = [json.dumps(body.get("tools", [])), json.dumps(body.get("response_format")),
                    *(f"{m['role']}:{json.dumps(m.get('content'))}"
                      f"{json.dumps(m.get('tool_calls', []))}" for m in body["messages"])]
        prompt = sum(count(s) for s in segments)
        cached = self._cached("".join(segments), body["model"])
        return {"prompt_tokens": prompt, "completion_tokens": count(output),
                "total_tokens": prompt + count(output),
                "prompt_tokens_details": {"cached_tokens": min(cached, prompt),
                                          "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0}}

    def _cached(self, text: str, model: str) -> int:
        """Tokens of the longest cached prefix; caches this prompt's prefixes from now on."""
        now = time.monotonic()
        step, least = CACHE_STEP_TOKENS * CHARS_PER_TOKEN, CACHE_MIN_TOKENS * CHARS_PER_TOKEN
        hit = 0
        for end in range(least, len(text) + 1, step):
            key = hashlib.sha256(f"{model}\n{text[:end]}".encode()).hexdigest()
            if self._cache.get(key, 0.0) > now:
                hit = end
            self._cache[key] = now + CACHE_LIFETIME_S
        return hit // CHARS_PER_TOKEN

    async def _stream(self, request: web.Request, body: dict[str, Any], answer: dict[str, Any],
                      fault: str) -> web.StreamResponse:
        response = web.StreamResponse(headers={"content-type": "text/event-stream",
                                               **RATE_HEADERS})
        await response.prepare(request)
        reports = self.stream_usage and bool((body.get("stream_options") or {})
                                             .get("include_usage"))
        base = {"id": answer["id"], "object": "chat.completion.chunk",
                "created": answer["created"], "model": answer["model"]}
        extra = {"usage": None} if reports else {}

        async def send(delta: dict[str, Any], finish: str | None = None) -> None:
            chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                                          "logprobs": None}], **extra}
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())

        choice = answer["choices"][0]
        text = choice["message"]["content"] or ""
        await send({"role": "assistant", "content": ""})
        end = len(text) // 2 if fault in STREAM_FAULTS else len(text)
        for at in range(0, end, CHUNK_CHARS):
            await send({"content": text[at:min(end, at + CHUNK_CHARS)]})
        if fault in STREAM_FAULTS:
            self.unreported.add(answer["usage"])
            if fault == "drop":
                assert request.transport is not None
                request.transport.abort()
            else:
                await response.write_eof()
            return response
        await send({}, choice["finish_reason"])
        if reports:
            usage = {**base, "choices": [], "usage": answer["usage"]}
            await response.write(f"data: {json.dumps(usage)}\n\n".encode())
            self.tally.add(answer["usage"])
        else:
            self.unreported.add(answer["usage"])
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


RATE_HEADERS = {
    "x-ratelimit-limit-requests": "100000", "x-ratelimit-remaining-requests": "99999",
    "x-ratelimit-limit-tokens": "100000000", "x-ratelimit-remaining-tokens": "99999999",
}
"""OpenAI's rate-limit headers; this fake sets no limits, so they always say plenty is left."""
