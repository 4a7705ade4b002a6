"""What prompt caching saved: a ledger's cost against the same tokens billed as plain input."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.config import FactoryConfig
from pipeline.engines.base import Usage
from pipeline.pricing import cost


@dataclass(frozen=True)
class CacheSavings:
    """A run's cost as billed, and as it would have been billed without the prompt cache."""

    with_cache_usd: float
    without_cache_usd: float
    cache_write_tokens: int
    cache_read_tokens: int

    @property
    def saved_usd(self) -> float:
        return self.without_cache_usd - self.with_cache_usd

    @property
    def saved_share(self) -> float:
        """The share of the uncached cost that caching saved, 0-1 (negative when it cost more)."""
        return self.saved_usd / self.without_cache_usd if self.without_cache_usd else 0.0


def cache_savings(usages: Iterable[Usage], config: FactoryConfig) -> CacheSavings:
    """Compare what `usages` cost with what they would have cost with every token uncached.

    Without a cache, cache writes and cache reads are plain input tokens. A usage whose model has
    no price in the config (say, several models summed) counts at its recorded cost both ways.
    """
    with_cache = without_cache = 0.0
    writes = reads = 0
    for usage in usages:
        with_cache += usage.cost_usd
        writes += usage.cache_write_tokens
        reads += usage.cache_read_tokens
        price = config.price_or_none(usage.model)
        if price is None:
            without_cache += usage.cost_usd
            continue
        without_cache += cost(
            price,
            input_tokens=usage.input_tokens + usage.cache_write_tokens + usage.cache_read_tokens,
            output_tokens=usage.output_tokens,
        )
    return CacheSavings(with_cache, without_cache, writes, reads)
