"""Prometheus text exposition of the bot's counters and gauges."""

from __future__ import annotations

import re

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
    text = metrics.render({"queued": 2, "running": 1}, {"events": 0, "runs": 2},
                          {"pending": 3, "given_up": 1})
    assert 'factory_webhook_deliveries_total{event="is\\"sues",outcome="accepted"} 1' in text
    assert 'factory_webhook_events_handled_total{event="issues",outcome="ok"} 1' in text
    assert 'factory_runs{status="queued"} 2' in text
    assert 'factory_queue_depth{queue="runs"} 2' in text
    assert 'factory_outbox_events{state="given_up"} 1' in text
    assert text.endswith("\n")
    assert "# TYPE factory_webhook_latency_seconds histogram" in text


def test_every_family_has_one_type_line_and_labelled_samples() -> None:
    metrics = Metrics()
    metrics.stage_seconds["codegen"].observe(42.0)
    metrics.stage_seconds["critic"].observe(0.3)
    metrics.runs_finished[("succeeded",)] += 2
    metrics.files[("done",)] += 30
    metrics.file_retries = 3
    metrics.model_calls, metrics.tokens, metrics.cost_usd = 61, 1_500_000, 1.25
    text = metrics.render({"queued": 0}, {"events": 0, "runs": 0}, {"pending": 0})
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.MULTILINE))
    assert types == {
        "factory_webhook_deliveries_total": "counter",
        "factory_webhook_events_handled_total": "counter",
        "factory_webhook_latency_seconds": "histogram",
        "factory_runs": "gauge",
        "factory_queue_depth": "gauge",
        "factory_outbox_events": "gauge",
        "factory_runs_finished_total": "counter",
        "factory_stage_duration_seconds": "histogram",
        "factory_files_total": "counter",
        "factory_file_retries_total": "counter",
        "factory_model_calls_total": "counter",
        "factory_model_tokens_total": "counter",
        "factory_model_cost_usd_total": "counter",
    }
    assert text.count("# TYPE") == len(types)
    lines = text.splitlines()
    assert 'factory_stage_duration_seconds_bucket{stage="codegen",le="30.0"} 0' in lines
    assert 'factory_stage_duration_seconds_bucket{stage="codegen",le="60.0"} 1' in lines
    assert 'factory_stage_duration_seconds_bucket{stage="critic",le="+Inf"} 1' in lines
    assert 'factory_stage_duration_seconds_sum{stage="codegen"} 42.000000' in lines
    assert 'factory_stage_duration_seconds_count{stage="critic"} 1' in lines
    assert 'factory_runs_finished_total{status="succeeded"} 2' in lines
    assert 'factory_files_total{outcome="done"} 30' in lines
    assert "factory_file_retries_total 3" in lines
    assert "factory_model_calls_total 61" in lines
    assert "factory_model_tokens_total 1500000" in lines
    assert "factory_model_cost_usd_total 1.25" in lines
    for line in lines:  # every sample line is `name{labels} value` with a number
        if not line.startswith("#"):
            float(line.rsplit(" ", 1)[1])
