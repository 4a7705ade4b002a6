"""Tests for `bench webhook`: signed deliveries to the real app on loopback, acked and timed."""

import pytest

from bot import webhook_bench
from bot.webhook import SIGNATURE_HEADER, signature_of
from bot.webhook_sender import request, status_of


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert webhook_bench.percentile(values, 50) == 50.0
    assert webhook_bench.percentile(values, 99) == 99.0
    assert webhook_bench.percentile(values, 100) == 100.0
    assert webhook_bench.percentile([7.0], 99) == 7.0


async def test_the_idle_phase_alone_verifies_and_accepts_every_delivery() -> None:
    result = await webhook_bench.run(deliveries=8, rounds=2, busy=0, cpu_workers=0)
    idle = result["idle"]
    # 202 means each one passed the signature check and was recorded and queued.
    assert idle["statuses"] == {"202": 16}
    assert 0 < idle["p50_ms"] <= idle["p99_ms"] <= idle["max_ms"]
    assert idle["per_s"] > 0 and idle["load_1m"] >= 0
    assert idle["server_cpu_us_per_delivery"] > 0
    assert len(idle["by_round"]) == 2
    assert "busy" not in result
    table = webhook_bench.rows(result)
    assert [r[0] for r in table] == ["idle"]
    assert all(len(r) == len(webhook_bench.COLUMNS) for r in table)


async def test_both_phases_send_real_payloads_the_second_while_runs_execute() -> None:
    result = await webhook_bench.run(deliveries=20, rounds=2, busy=1, cpu_workers=1)
    assert result["payload_bytes"] > 12_000  # the recorded example, not a toy
    assert result["idle"]["statuses"] == result["busy"]["statuses"] == {"202": 40}
    assert (result["idle"]["busy_runs"], result["idle"]["runs_ended"]) == (0, 0)
    # measured once a run had ended, so the runs went through every step meanwhile
    assert result["busy"]["busy_runs"] == 1 and result["busy"]["runs_ended"] >= 1
    # every one of them did the whole work (a duplicate idea would be killed at the gate)
    assert result["busy"]["run_statuses"] == {"succeeded": result["busy"]["runs_ended"]}
    assert result["cpu_workers"] == 1
    assert [r[0] for r in webhook_bench.rows(result)] == ["idle", "busy"]


async def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        await webhook_bench.run(deliveries=0)
    with pytest.raises(ValueError):
        await webhook_bench.run(busy=-1)
    with pytest.raises(ValueError):
        await webhook_bench.run(cpu_workers=-1)


def test_the_sender_waits_for_the_whole_answer() -> None:
    answer = b"HTTP/1.1 202 Accepted\r\nContent-Length: 22\r\nConnection: close\r\n\r\n"
    body = b'{"message": "queued"}\n'
    assert status_of(answer) is None  # the body is still to come
    assert status_of(answer + body[:5]) is None
    assert status_of(answer + body) == 202
    assert status_of(b"HTTP/1.1 401 Unauthorized\r\n\r\n") == 401
    assert status_of(b"HTTP/1.1 202 Acc") is None


def test_the_sender_writes_what_github_would() -> None:
    body = b'{"action": "opened"}'
    data = request("127.0.0.1:8080", "/webhook", "s3cret", body, 7)
    head, _, sent = data.partition(b"\r\n\r\n")
    assert sent == body
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /webhook HTTP/1.1"
    assert f"{SIGNATURE_HEADER}: {signature_of('s3cret', body)}" in lines
    assert f"Content-Length: {len(body)}" in lines and "X-GitHub-Event: issues" in lines
