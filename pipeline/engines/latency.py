"""How long a model call takes: time to first token plus output tokens at a decode rate.

The defaults stand for a current Claude Sonnet-class model served by the API: about 0.8 s
before the first token arrives and about 70 output tokens per second after it (streamed decode).
They are an assumption, not a measurement of this machine; pass other figures to model another
model or provider. Input tokens are not modelled: prompt caching keeps the shared plan context
cheap, and prefill is fast next to decode at these prompt sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TTFT_S = 0.8
"""Seconds from request to the first output token."""
DEFAULT_TOKENS_PER_S = 70.0
"""Output tokens per second once the answer streams."""
CHARS_PER_TOKEN = 4
"""Characters per token for code and English prose, the usual rule of thumb."""


@dataclass(frozen=True)
class LatencyModel:
    """Time of one call: `ttft_s + output_tokens / tokens_per_s`."""

    ttft_s: float = DEFAULT_TTFT_S
    tokens_per_s: float = DEFAULT_TOKENS_PER_S

    def __post_init__(self) -> None:
        if self.ttft_s < 0:
            raise ValueError("ttft_s must not be negative")
        if self.tokens_per_s <= 0:
            raise ValueError("tokens_per_s must be positive")

    def seconds(self, output_tokens: int) -> float:
        """Modelled seconds of a call that writes `output_tokens` tokens."""
        if output_tokens < 0:
            raise ValueError("output_tokens must not be negative")
        return self.ttft_s + output_tokens / self.tokens_per_s


def tokens_in(text: str) -> int:
    """Estimated tokens of `text` (at least 1 for non-empty text)."""
    if not text:
        return 0
    return max(1, round(len(text) / CHARS_PER_TOKEN))
