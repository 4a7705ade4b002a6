"""What each model accepts and costs, from one table, with safe defaults for a model not in it.

Engines ask this table instead of assuming: whether `temperature` may be sent, how many output
tokens a request may ask for, whether the model thinks by default (a forced tool choice is then
refused), whether JSON answers can use the API's structured output, the shortest prompt prefix
its cache keeps, the rate-limit class its tokens count against, and its list price.

Sources: the Anthropic model overview, pricing, prompt-caching and structured-outputs pages
(https://docs.anthropic.com/en/docs/about-claude/models/overview). Newer models removed the
sampling parameters (`temperature is deprecated for this model`, a 400) and only think
adaptively. A model not listed gets UNKNOWN: nothing it might refuse is sent, JSON comes through
an unforced answer tool, its prefixes are cached only past the largest known minimum.
"""

from __future__ import annotations

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

    max_output_tokens: int
    temperature: bool
    """False: the API refuses `temperature` (and top_p/top_k) for this model; never sent."""
    thinks_by_default: bool
    """True: a forced `tool_choice` is refused, so a tool is offered with `auto` only."""
    structured_output: bool
    """True: JSON roles answer through `output_config.format` (a JSON schema)."""
    min_cache_tokens: int
    """A prefix shorter than this is not cached; a breakpoint before it is left out."""
    rate_class: str
    """Models whose tokens count against the same rate limits share a class."""
    price: ModelPrice | None


OPUS_4_1 = list_price(15, 75)
OPUS = list_price(5, 25)
SONNET = list_price(3, 15)
HAIKU = list_price(1, 5)
FREE = ModelPrice(input=0, output=0, cache_write=0, cache_read=0)


def _model(max_output: int, min_cache: int, rate_class: str, price: ModelPrice,
           *, adaptive: bool = False) -> Capabilities:
    """A table row; `adaptive` models refuse sampling parameters and think by default."""
    return Capabilities(max_output, temperature=not adaptive, thinks_by_default=adaptive,
                        structured_output=True, min_cache_tokens=min_cache,
                        rate_class=rate_class, price=price)


MODELS: dict[str, Capabilities] = {
    "claude-opus-4-1": _model(32_000, 1024, "opus", OPUS_4_1),
    "claude-opus-4-5": _model(64_000, 4096, "opus", OPUS),
    "claude-opus-4-6": _model(64_000, 4096, "opus", OPUS),
    "claude-opus-4-7": _model(64_000, 2048, "opus", OPUS, adaptive=True),
    "claude-sonnet-4-5": _model(64_000, 1024, "sonnet", SONNET),
    "claude-sonnet-4-6": _model(64_000, 2048, "sonnet", SONNET),
    "claude-haiku-4-5": _model(64_000, 4096, "haiku", HAIKU),
    "offline": Capabilities(64_000, temperature=False, thinks_by_default=False,
                            structured_output=False, min_cache_tokens=0, rate_class="offline",
                            price=FREE),
}
"""Known models by the name the SDK takes (dated snapshots resolve to their alias)."""

UNKNOWN = Capabilities(
    max_output_tokens=8_192, temperature=False, thinks_by_default=True, structured_output=False,
    min_cache_tokens=4096, rate_class="other", price=None,
)
"""What an engine assumes of a model the table does not list."""

_SNAPSHOT_SUFFIX_DIGITS = 8


def capabilities(model: str) -> Capabilities:
    """The model's capabilities; a dated snapshot (`claude-haiku-4-5-20251001`) as its alias."""
    if model in MODELS:
        return MODELS[model]
    alias, _, date = model.rpartition("-")
    if date.isdigit() and len(date) == _SNAPSHOT_SUFFIX_DIGITS and alias in MODELS:
        return MODELS[alias]
    return UNKNOWN


def default_prices() -> dict[str, ModelPrice]:
    """The list price of every model the table knows."""
    return {name: caps.price for name, caps in MODELS.items() if caps.price is not None}
