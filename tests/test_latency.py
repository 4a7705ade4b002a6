"""Tests for the latency model of a model call."""

import pytest

from pipeline.engines.latency import (
    DEFAULT_TOKENS_PER_S,
    DEFAULT_TTFT_S,
    LatencyModel,
    tokens_in,
)


def test_defaults_resemble_a_sonnet_class_model() -> None:
    model = LatencyModel()
    assert model.ttft_s == DEFAULT_TTFT_S == 0.8
    assert 60 <= DEFAULT_TOKENS_PER_S <= 80


def test_seconds_is_ttft_plus_decode_time() -> None:
    model = LatencyModel(ttft_s=0.5, tokens_per_s=100)
    assert model.seconds(0) == pytest.approx(0.5)
    assert model.seconds(1_500) == pytest.approx(15.5)


def test_a_1500_token_file_takes_about_20_seconds_by_default() -> None:
    assert 19 < LatencyModel().seconds(1_500) < 27


@pytest.mark.parametrize(("ttft", "rate"), [(-0.1, 70.0), (0.8, 0.0), (0.8, -5.0)])
def test_impossible_parameters_are_refused(ttft: float, rate: float) -> None:
    with pytest.raises(ValueError):
        LatencyModel(ttft_s=ttft, tokens_per_s=rate)


def test_negative_tokens_are_refused() -> None:
    with pytest.raises(ValueError, match="output_tokens"):
        LatencyModel().seconds(-1)


def test_tokens_in_counts_about_four_characters_per_token() -> None:
    assert tokens_in("") == 0
    assert tokens_in("a") == 1
    assert tokens_in("x" * 400) == 100
