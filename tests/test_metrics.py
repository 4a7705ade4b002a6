"""Prometheus text exposition of the bot's counters and gauges."""

from __future__ import annotations

from bot.metrics import Histogram, Metrics


def test_histogram_buckets_are_cumulative() -> None:
    hist = Histogram()
    for seconds in (0.0005, 0.003, 0.2, 30.0):
        hist.observe(seconds)
    lines = hist.render("x")
    assert 'x_bucket{le="0.001"} 1' in lines
    assert 'x_bucket{le="0.005"} 2' in lines
    assert 'x_bucket{le="0.25"} 3' in lines
    assert 'x_bucket{le="10.0"} 3' in lines
    assert 'x_bucket{le="+Inf"} 4' in lines
    assert "x_count 4" in lines


def test_render_escapes_label_values_and_lists_gauges() -> None:
    metrics = Metrics()
    metrics.delivered('is"sues', "accepted", 0.002)
    metrics.handled("issues", "ok", 0.1)
    text = metrics.render({"queued": 2, "running": 1}, {"events": 0, "runs": 2})
    assert 'factory_webhook_deliveries_total{event="is\\"sues",outcome="accepted"} 1' in text
    assert 'factory_webhook_events_handled_total{event="issues",outcome="ok"} 1' in text
    assert 'factory_runs{status="queued"} 2' in text
    assert 'factory_queue_depth{queue="runs"} 2' in text
    assert text.endswith("\n")
    assert "# TYPE factory_webhook_latency_seconds histogram" in text
