"""What each model accepts and costs, from one table, with safe defaults for a model not in it.

Engines ask this table instead of assuming: which provider serves the model, whether
`temperature` may be sent, how many output tokens a request may ask for, whether the model
thinks by default (a forced tool choice is then refused), whether JSON answers can use the API's
structured output, the shortest prompt prefix its cache keeps, the rate-limit class its tokens
count against, and its list price.

Sources: the Anthropic model overview, pricing, prompt-caching and structured-outputs pages
(https://docs.anthropic.com/en/docs/about-claude/models/overview); OpenAI's models, pricing,
prompt-caching and structured-outputs pages (https://platform.openai.com/docs/models). Newer
Claude models removed the sampling parameters (`temperature is deprecated for this model`, a
400) and only think adaptively; OpenAI's reasoning models (o3, o4-mini, gpt-5) take neither
`temperature` nor `max_tokens` (only `max_completion_tokens`). A model not listed gets UNKNOWN
(or, on an OpenAI-compatible server, UNKNOWN_COMPATIBLE): nothing it might refuse is sent, and
its prefixes are cached only past the largest known minimum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field


class ModelPrice(BaseModel):
    """US dollars per million tokens, by token kind."""

    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cache_write: float = Field(ge=0)
    cache_read: float = Field(ge=0)


def list_price(input_usd: float, output_usd: float) -> ModelPrice:
    """A price with Anthropic's 5-minute cache multipliers: write 1.25x input, read 0.1x."""
    return ModelPrice(input=input_usd, output=output_usd, cache_write=input_usd * 1.25,
                      cache_read=input_usd * 0.1)


@dataclass(frozen=True)
class Capabilities:
    """What one model takes; every engine reads these instead of the model's name."""

    provider: str
    """Who serves the model: `anthropic`, `openai` (Chat Completions) or `offline`."""
    max_output_tokens: int
    temperature: bool
    """False: the API refuses `temperature` (and top_p/top_k) for this model; never sent."""
    thinks_by_default: bool
    """True: a forced `tool_choice` is refused, so a tool is offered with `auto` only."""
    structured_output: bool
    """True: JSON roles answer through the API's JSON-schema output (`output_config.format` on
    the Messages API, `response_format` on Chat Completions); else through an answer tool."""
    min_cache_tokens: int
    """A prefix shorter than this is not cached; a breakpoint before it is left out."""
    rate_class: str
    """Models whose tokens count against the same rate limits share a class."""
    price: ModelPrice | None
    max_tokens_field: str = "max_tokens"
    """The request field that caps the answer (reasoning models take `max_completion_tokens`)."""


OPUS_4_1 = list_price(15, 75)
OPUS = list_price(5, 25)
SONNET = list_price(3, 15)
HAIKU = list_price(1, 5)
FREE = ModelPrice(input=0, output=0, cache_write=0, cache_read=0)
OPENAI_MIN_CACHE_TOKENS = 1024
"""OpenAI caches every prompt prefix of at least this many tokens by itself (no breakpoints)."""


def _model(max_output: int, min_cache: int, rate_class: str, price: ModelPrice,
           *, adaptive: bool = False) -> Capabilities:
    """A Claude row; `adaptive` models refuse sampling parameters and think by default."""
    return Capabilities("anthropic", max_output, temperature=not adaptive,
                        thinks_by_default=adaptive, structured_output=True,
                        min_cache_tokens=min_cache, rate_class=rate_class, price=price)


def _gpt(max_output: int, input_usd: float, output_usd: float, cached_usd: float,
         *, reasoning: bool = False) -> Capabilities:
    """An OpenAI row: cached input at its own price, no charge for writing the cache.

    Reasoning models refuse `temperature` and `max_tokens`; a forced function call works on
    all of them, so none counts as thinking by default here.
    """
    price = ModelPrice(input=input_usd, output=output_usd, cache_write=input_usd,
                       cache_read=cached_usd)
    return Capabilities("openai", max_output, temperature=not reasoning, thinks_by_default=False,
                        structured_output=True, min_cache_tokens=OPENAI_MIN_CACHE_TOKENS,
                        rate_class="", price=price,
                        max_tokens_field="max_completion_tokens" if reasoning else "max_tokens")


MODELS: dict[str, Capabilities] = {
    "claude-opus-4-1": _model(32_000, 1024, "opus", OPUS_4_1),
    "claude-opus-4-5": _model(64_000, 4096, "opus", OPUS),
    "claude-opus-4-6": _model(64_000, 4096, "opus", OPUS),
    "claude-opus-4-7": _model(64_000, 2048, "opus", OPUS, adaptive=True),
    "claude-sonnet-4-5": _model(64_000, 1024, "sonnet", SONNET),
    "claude-sonnet-4-6": _model(64_000, 2048, "sonnet", SONNET),
    "claude-haiku-4-5": _model(64_000, 4096, "haiku", HAIKU),
    "gpt-4.1": _gpt(32_768, 2.00, 8.00, 0.50),
    "gpt-4.1-mini": _gpt(32_768, 0.40, 1.60, 0.10),
    "gpt-4.1-nano": _gpt(32_768, 0.10, 0.40, 0.025),
    "gpt-4o": _gpt(16_384, 2.50, 10.00, 1.25),
    "gpt-4o-mini": _gpt(16_384, 0.15, 0.60, 0.075),
    "o3": _gpt(100_000, 2.00, 8.00, 0.50, reasoning=True),
    "o4-mini": _gpt(100_000, 1.10, 4.40, 0.275, reasoning=True),
    "gpt-5": _gpt(128_000, 1.25, 10.00, 0.125, reasoning=True),
    "gpt-5-mini": _gpt(128_000, 0.25, 2.00, 0.025, reasoning=True),
    "offline": Capabilities("offline", 64_000, temperature=False, thinks_by_default=False,
                            structured_output=False, min_cache_tokens=0, rate_class="offline",
                            price=FREE),
}
"""Known models by the name the SDK takes (dated snapshots resolve to their alias).

An OpenAI row's `rate_class` is empty: OpenAI limits each model on its own, so its class is the
model's name (see `rate_class`)."""

UNKNOWN = Capabilities(
    provider="anthropic", max_output_tokens=8_192, temperature=False, thinks_by_default=True,
    structured_output=False, min_cache_tokens=4096, rate_class="other", price=None,
)
"""What the anthropic engine assumes of a model the table does not list."""

UNKNOWN_COMPATIBLE = Capabilities(
    provider="openai", max_output_tokens=8_192, temperature=False, thinks_by_default=False,
    structured_output=True, min_cache_tokens=OPENAI_MIN_CACHE_TOKENS, rate_class="", price=None,
)
"""What the openai engine assumes of a model the table does not list (a local or hosted
OpenAI-compatible server's): JSON schema first, since vLLM, llama.cpp, Ollama and most hosted
providers take `response_format`; a server that refuses it is asked through a function call,
then through the prompt alone (pipeline/engines/openai_modes.py)."""

_DATED = re.compile(r"^(?P<alias>.+?)-(?:\d{8}|\d{4}-\d{2}-\d{2})$")
"""A dated snapshot: `claude-haiku-4-5-20251001`, `gpt-4.1-2025-04-14`."""


def capabilities(model: str, provider: str = "anthropic") -> Capabilities:
    """The model's capabilities; a dated snapshot as its alias; an unlisted model as the
    unknown model of the engine `provider` names (`anthropic`, else an OpenAI-compatible one)."""
    if model in MODELS:
        return MODELS[model]
    dated = _DATED.match(model)
    if dated and dated["alias"] in MODELS:
        return MODELS[dated["alias"]]
    return UNKNOWN if provider == "anthropic" else UNKNOWN_COMPATIBLE


def rate_class(caps: Capabilities, model: str, provider: str) -> str:
    """The bucket name a call's tokens count against: one per provider and model class."""
    return f"{provider}:{caps.rate_class or model}"


def default_prices() -> dict[str, ModelPrice]:
    """The list price of every model the table knows."""
    return {name: caps.price for name, caps in MODELS.items() if caps.price is not None}
