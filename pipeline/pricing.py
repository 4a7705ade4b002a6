"""Prices engine usage in US dollars, and projects the cost of code generation before it runs."""

from __future__ import annotations

from pipeline.answers import Plan
from pipeline.config import FactoryConfig
from pipeline.engines.capabilities import ModelPrice

PER_MILLION = 1_000_000

# A planned Dart file of this project's apps is about 1.5k output tokens; its prompt carries the
# conventions, the plan and its dependencies (about 6k tokens, mostly read from the prompt cache),
# and its review reads it back. Retries are priced at the configured retry rate.
EST_FILE_OUTPUT_TOKENS = 1_500
EST_FILE_CONTEXT_TOKENS = 6_000
EST_REVIEW_OUTPUT_TOKENS = 200
EST_RETRY_RATE = 0.2


def cost(price: ModelPrice, *, input_tokens: int = 0, output_tokens: int = 0,
         cache_write_tokens: int = 0, cache_read_tokens: int = 0) -> float:
    """Dollars for the given token counts at `price`."""
    return (
        input_tokens * price.input
        + output_tokens * price.output
        + cache_write_tokens * price.cache_write
        + cache_read_tokens * price.cache_read
    ) / PER_MILLION


def projected_file_cost(config: FactoryConfig) -> float:
    """What writing and reviewing one file is expected to cost (retries included), in dollars,
    once the shared context is in the prompt cache."""
    executor = config.price(config.models.executor)
    reviewer = config.price(config.models.file_reviewer)
    per_file = cost(
        executor,
        input_tokens=EST_FILE_OUTPUT_TOKENS,  # the dependencies' contents, uncached
        output_tokens=EST_FILE_OUTPUT_TOKENS,
        cache_read_tokens=EST_FILE_CONTEXT_TOKENS,
    ) + cost(
        reviewer,
        input_tokens=EST_FILE_CONTEXT_TOKENS + EST_FILE_OUTPUT_TOKENS,
        output_tokens=EST_REVIEW_OUTPUT_TOKENS,
    )
    return per_file * (1 + EST_RETRY_RATE)


def projected_codegen_cost(plan: Plan, config: FactoryConfig) -> float:
    """What generating and reviewing every planned file is expected to cost, in dollars.

    The first file writes the shared context to the cache, the others read it back.
    """
    first_write = cost(config.price(config.models.executor),
                       cache_write_tokens=EST_FILE_CONTEXT_TOKENS)
    return round(first_write + len(plan.files) * projected_file_cost(config), 4)
