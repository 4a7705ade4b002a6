"""Tests for pricing usage and projecting codegen cost."""

import pytest

from pipeline.answers import FileSpec, Plan
from pipeline.config import FactoryConfig
from pipeline.engines.capabilities import ModelPrice
from pipeline.pricing import cost, projected_codegen_cost


def test_cost_prices_each_token_kind() -> None:
    price = ModelPrice(input=3, output=15, cache_write=3.75, cache_read=0.3)
    assert cost(price, input_tokens=1_000_000) == 3
    assert cost(price, output_tokens=2_000_000, cache_read_tokens=1_000_000) == pytest.approx(30.3)


def test_projection_grows_with_the_plan_and_is_zero_offline() -> None:
    def plan(n: int) -> Plan:
        return Plan(app_name="a", title="t", summary="s",
                    files=[FileSpec(path=f"lib/f{i}.dart", purpose="p") for i in range(n)])

    config = FactoryConfig()
    small = projected_codegen_cost(plan(10), config)
    assert 0 < small < projected_codegen_cost(plan(40), config)
    offline = config.model_copy(update={"models": config.models.model_copy(
        update={"executor": "offline", "file_reviewer": "offline"})})
    assert projected_codegen_cost(plan(40), offline) == 0
