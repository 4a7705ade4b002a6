"""A pipeline sink that counts one run's stages, files, retries, model calls, tokens and cost."""

from __future__ import annotations

from bot.metrics import Metrics
from pipeline.events import Event, FileDone, FileFailed, FileRetrying, RunFinished, StageStarted


class MetricsSink:
    """Turns the events of one execution of a run into the server's metrics.

    A stage lasts from its StageStarted to the next one, or to RunFinished for the last;
    both carry seconds since the execution started.
    """

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self._stage: StageStarted | None = None

    async def emit(self, event: Event) -> None:
        """Count the event, if it is one the metrics care about."""
        if isinstance(event, StageStarted):
            self._end_stage(event.elapsed_s)
            self._stage = event
        elif isinstance(event, FileRetrying):
            self.metrics.file_retries += 1
        elif isinstance(event, FileDone):
            self.metrics.files[("done",)] += 1
        elif isinstance(event, FileFailed):
            self.metrics.files[("failed",)] += 1
        elif isinstance(event, RunFinished):
            self._end_stage(event.elapsed_s)
            self.metrics.runs_finished[(event.status.value,)] += 1
            self.metrics.model_calls += event.calls
            self.metrics.tokens += event.tokens
            self.metrics.cost_usd += event.cost_usd

    def _end_stage(self, elapsed_s: float) -> None:
        if self._stage is not None:
            seconds = max(0.0, elapsed_s - self._stage.elapsed_s)
            self.metrics.stage_seconds[self._stage.stage.value].observe(seconds)
            self._stage = None
