"""Counters and histograms the server exposes at GET /metrics, in Prometheus text format.

https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import TypeVar

LATENCY_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
STAGE_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0)
"""Stages take from a fraction of a second (offline) to half an hour (codegen on a model)."""
PREFIX = "factory"

K = TypeVar("K", bound=tuple[str, ...])


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**labels: str) -> str:
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
    return "{" + inner + "}" if inner else ""


def _counter(name: str, counts: Mapping[K, float], *keys: str) -> list[str]:
    """A counter family: its TYPE line, then one sample per label tuple."""
    lines = [f"# TYPE {name} counter"]
    for values, n in sorted(counts.items()):
        lines.append(f"{name}{_labels(**dict(zip(keys, values, strict=True)))} {n}")
    return lines


def _gauge(name: str, values: Mapping[str, int], key: str) -> list[str]:
    lines = [f"# TYPE {name} gauge"]
    lines += [f"{name}{_labels(**{key: label})} {n}" for label, n in sorted(values.items())]
    return lines


class Histogram:
    """A cumulative-bucket histogram of seconds."""

    def __init__(self, bounds: tuple[float, ...] = LATENCY_BUCKETS) -> None:
        self.bounds = bounds
        self.buckets = [0] * len(bounds)
        self.count = 0
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.count += 1
        self.total += seconds
        for i, bound in enumerate(self.bounds):
            if seconds <= bound:
                self.buckets[i] += 1

    def samples(self, name: str, **labels: str) -> list[str]:
        """The bucket, sum and count lines, with `labels` on each."""
        lines = [f"{name}_bucket{_labels(**labels, le=str(bound))} {count}"
                 for bound, count in zip(self.bounds, self.buckets, strict=True)]
        lines.append(f"{name}_bucket{_labels(**labels, le='+Inf')} {self.count}")
        lines.append(f"{name}_sum{_labels(**labels)} {self.total:.6f}")
        lines.append(f"{name}_count{_labels(**labels)} {self.count}")
        return lines

    def render(self, name: str) -> list[str]:
        return [f"# TYPE {name} histogram", *self.samples(name)]


class Metrics:
    """What the webhook edge, the event queue and the runs executed here count."""

    def __init__(self) -> None:
        self.deliveries: Counter[tuple[str, str]] = Counter()
        self.events: Counter[tuple[str, str]] = Counter()
        self.webhook_latency = Histogram()
        self.stage_seconds: defaultdict[str, Histogram] = defaultdict(
            lambda: Histogram(STAGE_BUCKETS))
        self.runs_finished: Counter[tuple[str]] = Counter()
        self.files: Counter[tuple[str]] = Counter()
        """Files finished by outcome: done or failed."""
        self.file_retries = 0
        self.model_calls = 0
        self.tokens = 0
        self.cost_usd = 0.0

    def delivered(self, event: str, outcome: str, seconds: float) -> None:
        """One POST /webhook: its event name, outcome (accepted, duplicate, ...) and latency."""
        self.deliveries[(event, outcome)] += 1
        self.webhook_latency.observe(seconds)

    def handled(self, event: str, outcome: str, seconds: float) -> None:
        """One event through the routers."""
        self.events[(event, outcome)] += 1

    def render(self, runs_by_status: Mapping[str, int], queue_depth: Mapping[str, int],
               outbox: Mapping[str, int]) -> str:
        """The exposition text, with the run, queue and outbox gauges read at scrape time."""
        lines = _counter(f"{PREFIX}_webhook_deliveries_total", self.deliveries,
                         "event", "outcome")
        lines += _counter(f"{PREFIX}_webhook_events_handled_total", self.events,
                          "event", "outcome")
        lines += self.webhook_latency.render(f"{PREFIX}_webhook_latency_seconds")
        lines += _gauge(f"{PREFIX}_runs", runs_by_status, "status")
        lines += _gauge(f"{PREFIX}_queue_depth", queue_depth, "queue")
        lines += _gauge(f"{PREFIX}_outbox_events", outbox, "state")
        lines += _counter(f"{PREFIX}_runs_finished_total", self.runs_finished, "status")
        stage = f"{PREFIX}_stage_duration_seconds"
        lines.append(f"# TYPE {stage} histogram")
        for name, histogram in sorted(self.stage_seconds.items()):
            lines += histogram.samples(stage, stage=name)
        lines += _counter(f"{PREFIX}_files_total", self.files, "outcome")
        lines += _counter(f"{PREFIX}_file_retries_total", {(): self.file_retries})
        lines += _counter(f"{PREFIX}_model_calls_total", {(): self.model_calls})
        lines += _counter(f"{PREFIX}_model_tokens_total", {(): self.tokens})
        lines += _counter(f"{PREFIX}_model_cost_usd_total", {(): self.cost_usd})
        return "\n".join(lines) + "\n"
