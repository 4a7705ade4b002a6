"""The `openai` engine: asks answered by any server that speaks the Chat Completions API, through
the official SDK: OpenAI itself, or a named OpenAI-compatible provider (a local vLLM, Ollama or
llama.cpp server, OpenRouter, Gemini's compatible endpoint, Azure OpenAI).

What is sent follows the model's capabilities (pipeline/engines/capabilities.py): JSON roles
answer through the server's JSON-schema output where the model has it, else through a forced
function call; a server that refuses one is asked the next way (JSON schema, function call, the
prompt alone), remembered per model and said once in the run's notes. `temperature` goes only
to models that take it, reasoning models get `max_completion_tokens`. An answer is complete
only with a `finish_reason`: `length` makes a file FileBody(truncated=True), never committed,
and a JSON answer gets the repair turn; `content_filter` and a refusal raise Refused; an
overflowing prompt is asked once more with dependencies cut to signatures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TypeVar, cast

from openai import AsyncOpenAI, Omit, Timeout
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel

from pipeline import pricing
from pipeline.asks import Ask, FileAsk
from pipeline.config import FactoryConfig
from pipeline.engines import openai_request as req
from pipeline.engines import structured
from pipeline.engines.asking import MAX_TOKENS, answer_ask, metered, model_for, temperature_for
from pipeline.engines.base import Reply, Usage
from pipeline.engines.capabilities import capabilities, rate_class
from pipeline.engines.limiter import RateLimiter
from pipeline.engines.metered import Spent
from pipeline.engines.openai_call import LIMITER_CHARS_PER_TOKEN, Caller, Request
from pipeline.engines.openai_errors import UnsupportedFeature
from pipeline.engines.openai_request import Completion, JsonMode
from pipeline.engines.prompts import render
from pipeline.engines.providers import OPENAI, Provider
from pipeline.engines.retry import RetryPolicy
from pipeline.errors import Refused

A = TypeVar("A", bound=BaseModel)

READ_TIMEOUT_S = 600.0
CONNECT_TIMEOUT_S = 10.0
NO_KEY = "unused"
"""Sent to a provider without a key: the SDK wants one, local servers ignore it."""
REFUSED = "{model} refused to answer ({role}){said}"
FILTERED = "{provider}'s content filter stopped {model}'s answer ({role})"
DEGRADED = {
    JsonMode.FUNCTION: ("{provider} does not take JSON-schema output for {model} ({detail}): "
                        "its JSON answers came through a forced function call instead"),
    JsonMode.PROMPT: ("{provider} takes no function calls for {model} either ({detail}): its "
                      "JSON answers were asked for in the prompt and read from its text"),
}
REFUSED_FEATURE = {JsonMode.JSON_SCHEMA: "response_format", JsonMode.FUNCTION: "tools"}


class OpenAIEngine:
    """Answers asks with the models the config names, on one OpenAI-compatible provider."""

    offline = False

    def __init__(
        self,
        config: FactoryConfig,
        provider: Provider,
        *,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        timeout_s: float = READ_TIMEOUT_S,
    ) -> None:
        config.check_prices()  # before any call, not after the first one was billed
        self.name = provider.name
        self._config = config
        self._provider = provider
        # Our retries are the only ones: the SDK's would hide faults from the limiter and tests.
        # OpenAI's organization and project headers are not another provider's business.
        # (The SDK drops a header whose value is Omit; its type hint only names strings.)
        foreign = {} if provider.name == OPENAI else {"OpenAI-Organization": Omit(),
                                                      "OpenAI-Project": Omit()}
        self._client = AsyncOpenAI(
            api_key=provider.api_key or NO_KEY, base_url=provider.base_url, max_retries=0,
            timeout=Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s)),
            default_headers=cast(Mapping[str, str], foreign))
        self._caller = Caller(self._client, metered(config, retry, limiter), self._usage,
                              provider.key_variable)
        self._modes: dict[str, JsonMode] = {}
        """Models whose server refused a JSON mode, with the mode that works."""

    async def ask(self, ask: Ask, answer_type: type[A]) -> Reply[A]:
        """Answer `ask`; the usage sums every billed call it took (retries, repairs)."""
        return await answer_ask(ask, model_for(ask, self._config),
                                lambda a, spent: self._answer(a, answer_type, spent))

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._client.close()

    def _request(self, ask: Ask, mode: JsonMode | None,
                 answer_type: type[BaseModel]) -> tuple[Request, list[ChatCompletionMessageParam]]:
        model = model_for(ask, self._config)
        caps = capabilities(model, self._provider.name)
        prompt = render(ask)
        system = req.system_text(prompt)
        cacheable = len(system) // LIMITER_CHARS_PER_TOKEN >= caps.min_cache_tokens
        digest = hashlib.sha256(system.encode()).hexdigest()
        temperature = temperature_for(ask)
        request = Request(
            provider=self._provider.name, model=model, caps=caps,
            max_tokens=min(MAX_TOKENS[ask.role], caps.max_output_tokens),
            stream=isinstance(ask, FileAsk),
            rate_class=rate_class(caps, model, self._provider.name),
            temperature=temperature if caps.temperature else None,
            fields=req.mode_params(mode, answer_type),
            prefix_key=f"{self._provider.name}:{model}:{digest}" if cacheable else "",
        )
        return request, req.first_turn(prompt, mode, answer_type)

    def _mode(self, model: str) -> JsonMode:
        caps = capabilities(model, self._provider.name)
        first = JsonMode.JSON_SCHEMA if caps.structured_output else JsonMode.FUNCTION
        return self._modes.get(model, first)

    async def _answer(self, ask: Ask, answer_type: type[A], spent: Spent) -> A:
        if isinstance(ask, FileAsk):
            request, first = self._request(ask, None, answer_type)
            completion = await self._complete(request, first, spent, ask)
            body = {"content": structured.file_content(completion.text, ask.spec.path),
                    "truncated": completion.finish_reason == "length"}
            return answer_type.model_validate(body)
        model = model_for(ask, self._config)
        while True:
            mode = self._mode(model)
            try:
                return await self._json_answer(ask, mode, answer_type, spent)
            except UnsupportedFeature as exc:
                fallback = mode.fallback()
                if exc.feature != REFUSED_FEATURE.get(mode) or fallback is None:
                    raise
                self._modes[model] = fallback
                spent.note(DEGRADED[fallback].format(provider=self._provider.name, model=model,
                                                     detail=exc.detail))

    async def _json_answer(self, ask: Ask, mode: JsonMode, answer_type: type[A],
                           spent: Spent) -> A:
        request, first = self._request(ask, mode, answer_type)

        async def once(previous: Completion | None,
                       error: structured.AnswerRejected | None) -> tuple[Completion, Usage]:
            turns = first
            if previous is not None and error is not None:
                turns = [*first, *req.repair_turns(previous, error)]
            completion = await self._complete(request, turns, spent, ask)
            return completion, Usage(model=request.model)

        label = f"the {ask.role.value} answer from {request.model} on {request.provider}"
        answer, _ = await structured.answer_with_repair(answer_type, once, req.raw_answer, label)
        return answer

    async def _complete(self, request: Request, messages: list[ChatCompletionMessageParam],
                        spent: Spent, ask: Ask) -> Completion:
        completion = await self._caller.send(request, messages, spent)
        role = ask.role.value
        if completion.refusal:
            raise Refused(REFUSED.format(model=request.model, role=role,
                                         said=f": {completion.refusal.strip()}"))
        if completion.finish_reason == "content_filter":
            raise Refused(FILTERED.format(provider=request.provider, model=request.model,
                                          role=role))
        return completion

    def _usage(self, model: str, used: CompletionUsage) -> Usage:
        details = used.prompt_tokens_details
        cached = (details.cached_tokens or 0) if details else 0
        written = (getattr(details, "cache_write_tokens", None) or 0) if details else 0
        tokens: dict[str, int] = {
            "input_tokens": max(0, used.prompt_tokens - cached - written),
            "output_tokens": used.completion_tokens,
            "cache_write_tokens": written,
            "cache_read_tokens": cached,
        }
        cost = pricing.cost(self._config.price(model), **tokens)
        return Usage(model=model, cost_usd=cost, **tokens)
