"""Caching's effect on a ledger: billed cost against the same tokens billed uncached."""

from __future__ import annotations

import pytest

from pipeline.cache_savings import cache_savings
from pipeline.config import FactoryConfig
from pipeline.engines.base import Usage
from pipeline.pricing import cost

CONFIG = FactoryConfig()
SONNET = "claude-sonnet-4-5"


def usage(input_tokens: int, write: int, read: int, output: int) -> Usage:
    price = CONFIG.price(SONNET)
    billed = cost(price, input_tokens=input_tokens, cache_write_tokens=write,
                  cache_read_tokens=read, output_tokens=output)
    return Usage(model=SONNET, input_tokens=input_tokens, cache_write_tokens=write,
                 cache_read_tokens=read, output_tokens=output, cost_usd=billed)


def test_reads_from_cache_make_files_2_to_n_cheaper() -> None:
    files = [usage(500, 6_000, 0, 1_500)] + [usage(500, 0, 6_000, 1_500) for _ in range(9)]
    savings = cache_savings(files, CONFIG)

    # Uncached, every file pays its 6.5k input tokens at $3/M; cached, one write at $3.75/M
    # and nine reads at $0.30/M.
    uncached = 10 * (6_500 * 3 + 1_500 * 15) / 1e6
    cached = (10 * (500 * 3 + 1_500 * 15) + 6_000 * 3.75 + 9 * 6_000 * 0.3) / 1e6
    assert savings.without_cache_usd == pytest.approx(uncached)
    assert savings.with_cache_usd == pytest.approx(cached)
    assert savings.saved_usd == pytest.approx(uncached - cached)
    assert savings.cache_read_tokens == 54_000 and savings.cache_write_tokens == 6_000
    assert 0 < savings.saved_share < 1


def test_a_lone_cache_write_costs_more_than_no_cache() -> None:
    savings = cache_savings([usage(100, 4_000, 0, 10)], CONFIG)
    assert savings.saved_usd < 0


def test_unpriced_usage_counts_the_same_both_ways() -> None:
    mixed = Usage(model="mixed", input_tokens=10, cache_read_tokens=99, cost_usd=0.5)
    savings = cache_savings([mixed], CONFIG)
    assert savings.with_cache_usd == savings.without_cache_usd == 0.5


def test_an_empty_ledger_saves_nothing() -> None:
    assert cache_savings([], CONFIG).saved_share == 0.0
