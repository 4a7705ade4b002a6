"""Tests for `bench webhook`: signed deliveries to the real app on loopback, acked and timed."""

import pytest

from bot import webhook_bench


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert webhook_bench.percentile(values, 50) == 50.0
    assert webhook_bench.percentile(values, 99) == 99.0
    assert webhook_bench.percentile(values, 100) == 100.0
    assert webhook_bench.percentile([7.0], 99) == 7.0


async def test_every_delivery_is_verified_and_accepted() -> None:
    result = await webhook_bench.run(deliveries=8, rounds=2)
    # 202 means each one passed the signature check and was recorded and queued.
    assert result["statuses"] == {"202": 16}
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
    assert result["per_s"] > 0
    assert len(result["by_round"]) == 2
    table = webhook_bench.rows(result)
    assert [r[0] for r in table] == ["1", "2", "all"]
    assert all(len(r) == len(webhook_bench.COLUMNS) for r in table)


async def test_real_payloads_are_sent_while_runs_execute_in_the_server() -> None:
    result = await webhook_bench.run(deliveries=20, rounds=2, busy=1)
    assert result["statuses"] == {"202": 40}
    assert result["payload_bytes"] > 12_000  # the recorded example, not a toy
    assert result["busy_runs"] == 1 and result["runs_ended"] >= 1


async def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        await webhook_bench.run(deliveries=0)
    with pytest.raises(ValueError):
        await webhook_bench.run(busy=-1)
