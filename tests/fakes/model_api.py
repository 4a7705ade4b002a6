"""What the model-API fakes share: the request log, the fault scripts, and answering asks."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiohttp import web
from pydantic import BaseModel

from pipeline.answers import FileBody
from pipeline.asks import Ask, FileAsk
from tests.fakes.loopback import LoopbackServer

Answerer = Callable[[Ask], Awaitable[BaseModel]]
STREAM_FAULTS = frozenset({"drop", "early-end"})
"""Faults only a streamed request can have: it breaks off, or ends, half-way."""
WRONG_ANSWER = {"unexpected": "this is not the schema"}
WRONG_TEXT = "Sure! Here is what you asked for, more or less."
"""What an "invalid" fault answers where the answer is free text."""
CHUNK_CHARS = 200


@dataclass
class ModelApiFake(LoopbackServer):
    """A model API on loopback: `requests` logs every body received, `rejected` the messages
    of the requests refused, `files` the whole answer last given for each file path."""

    answer: Answerer
    script: list[str] = field(default_factory=list)
    stream_script: list[str] = field(default_factory=list)
    """Faults for streamed requests (file bodies) only, taken before `script`'s."""
    retry_after: str = "1"
    requests: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)

    faults: ClassVar[frozenset[str]] = frozenset({"ok"})
    """The faults this API's script may name."""

    async def _logged_body(self, request: web.Request) -> Any:
        """The request's JSON body (None when it is not JSON), logged in `requests`."""
        try:
            body: Any = await request.json()
        except json.JSONDecodeError:
            body = None
        self.requests.append(body if isinstance(body, dict) else {})
        return body

    def _next_fault(self, body: dict[str, Any]) -> str:
        """The fault this request gets: the next one scripted for it, else "ok"."""
        streamed = bool(body.get("stream"))
        if streamed and self.stream_script:
            fault = self.stream_script.pop(0)
        else:
            fault = self.script.pop(0) if self.script else "ok"
        if fault not in self.faults:
            raise ValueError(f"unknown fault {fault!r}; choose from {sorted(self.faults)}")
        if fault in STREAM_FAULTS and not streamed:
            raise ValueError(f"fault {fault!r} needs a streamed request")
        return fault

    async def _answer_ask(self, ask: Ask) -> BaseModel:
        """`answer(ask)`, noting a file's body in `files`."""
        answer = await self.answer(ask)
        if isinstance(answer, FileBody) and isinstance(ask, FileAsk):
            self.files[ask.spec.path] = answer.content
        return answer

    @staticmethod
    def _reset(request: web.Request) -> web.Response:
        """Drop the connection before answering (the response is never sent)."""
        assert request.transport is not None
        request.transport.abort()
        return web.Response(status=500)
