"""Counters and latencies the server exposes at GET /metrics, in Prometheus text format.

https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

LATENCY_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
PREFIX = "factory"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**labels: str) -> str:
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
    return "{" + inner + "}" if inner else ""


class Histogram:
    """A cumulative-bucket histogram of seconds."""

    def __init__(self) -> None:
        self.buckets = [0] * len(LATENCY_BUCKETS)
        self.count = 0
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.count += 1
        self.total += seconds
        for i, bound in enumerate(LATENCY_BUCKETS):
            if seconds <= bound:
                self.buckets[i] += 1

    def render(self, name: str) -> list[str]:
        lines = [f"# TYPE {name} histogram"]
        for bound, count in zip(LATENCY_BUCKETS, self.buckets, strict=True):
            lines.append(f'{name}_bucket{{le="{bound}"}} {count}')
        lines += [f'{name}_bucket{{le="+Inf"}} {self.count}',
                  f"{name}_sum {self.total:.6f}", f"{name}_count {self.count}"]
        return lines


class Metrics:
    """What the webhook edge and the event queue count."""

    def __init__(self) -> None:
        self.deliveries: Counter[tuple[str, str]] = Counter()
        self.events: Counter[tuple[str, str]] = Counter()
        self.webhook_latency = Histogram()

    def delivered(self, event: str, outcome: str, seconds: float) -> None:
        """One POST /webhook: its event name, outcome (accepted, duplicate, ...) and latency."""
        self.deliveries[(event, outcome)] += 1
        self.webhook_latency.observe(seconds)

    def handled(self, event: str, outcome: str, seconds: float) -> None:
        """One event through the routers."""
        self.events[(event, outcome)] += 1

    def render(self, runs_by_status: Mapping[str, int], queue_depth: Mapping[str, int]) -> str:
        """The exposition text, with the run and queue gauges read at scrape time."""
        lines = [f"# TYPE {PREFIX}_webhook_deliveries_total counter"]
        for (event, outcome), n in sorted(self.deliveries.items()):
            lines.append(f"{PREFIX}_webhook_deliveries_total"
                         f"{_labels(event=event, outcome=outcome)} {n}")
        lines.append(f"# TYPE {PREFIX}_webhook_events_handled_total counter")
        for (event, outcome), n in sorted(self.events.items()):
            lines.append(f"{PREFIX}_webhook_events_handled_total"
                         f"{_labels(event=event, outcome=outcome)} {n}")
        lines += self.webhook_latency.render(f"{PREFIX}_webhook_latency_seconds")
        lines.append(f"# TYPE {PREFIX}_runs gauge")
        for status, n in sorted(runs_by_status.items()):
            lines.append(f"{PREFIX}_runs{_labels(status=status)} {n}")
        lines.append(f"# TYPE {PREFIX}_queue_depth gauge")
        for queue, n in sorted(queue_depth.items()):
            lines.append(f"{PREFIX}_queue_depth{_labels(queue=queue)} {n}")
        return "\n".join(lines) + "\n"
