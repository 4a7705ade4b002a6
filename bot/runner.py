"""Executing a GitHub-origin run: the worker's `execute` callable, publishing as it goes.

Given a finished run (claimed because its outbox owes GitHub something), it only delivers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.auth import AppAuth
from bot.ci_oracle import GitHubCi
from bot.ci_signals import CiSignals
from bot.errors import BotError
from bot.metrics import Metrics
from bot.publisher import GitHubPublisher
from bot.run_metrics import MetricsSink
from pipeline import outbox
from pipeline.config import FactoryConfig, Settings
from pipeline.engines.base import Engine
from pipeline.engines.select import make_engine
from pipeline.errors import BadInput
from pipeline.events import FanOut, RunFinished, Sink
from pipeline.orchestrator import execute_run
from pipeline.redis_events import redis_sink
from pipeline.status import LIVE, TERMINAL, RunStatus
from pipeline.store.base import RunRecord, RunStore

EngineFactory = Callable[[str, FactoryConfig], Engine]
PUBLISH_FAILED = "GitHub refused an update, so the run stopped: {error}"
PUBLISH_FAILED_TITLE = "Code Factory could not publish"

log = logging.getLogger(__name__)


class GitHubRunner:
    """Builds the sinks and an engine for a claimed run, and executes it.

    Events go to the GitHub publisher, to this process's metrics when it serves them, and to
    Redis Streams when FACTORY_REDIS_URL is set.
    """

    def __init__(
        self, store: RunStore, auth: AppAuth, engines: EngineFactory = make_engine,
        *, min_interval_s: float | None = None, metrics: Metrics | None = None,
        redis_url: str | None = None, ci_signals: CiSignals | None = None,
        redelivery: outbox.Redelivery | None = None,
    ) -> None:
        self.store = store
        self.auth = auth
        self.engines = engines
        self.min_interval_s = min_interval_s
        self.metrics = metrics
        self.redelivery = redelivery or outbox.Redelivery()
        self.redis_url = Settings().redis_url if redis_url is None else redis_url
        """Where run events are copied as Redis Streams; empty: nowhere."""
        self.ci_signals = ci_signals or CiSignals()
        """Wake the runs waiting for CI when this process's webhooks report on their head."""

    def publisher(self, run: RunRecord) -> GitHubPublisher:
        """The sink that shows `run` on GitHub."""
        gh = self.auth.github(int(run.origin["installation_id"]))
        if self.min_interval_s is None:
            return GitHubPublisher(gh, self.store, run)
        return GitHubPublisher(gh, self.store, run, min_interval_s=self.min_interval_s)

    async def __call__(self, run: RunRecord) -> None:
        """Execute (or resume) the run; GitHub's refusals end it as `error` with a failed check.

        A finished run gets its outbox's due events delivered, and nothing else.
        """
        if run.origin.get("kind") != "github":
            raise BadInput(f"run {run.id} did not come from GitHub; run it with `factory run`")
        publisher = self.publisher(run)
        if run.status in TERMINAL:
            await outbox.deliver_due(self.store, run.id, publisher, self.redelivery)
            return
        sinks: list[Sink] = [publisher]
        if self.metrics is not None:
            sinks.append(MetricsSink(self.metrics))
        streams = redis_sink(self.redis_url)
        if streams is not None:
            sinks.append(streams)
        engine = self.engines(run.engine, FactoryConfig.model_validate(run.config))
        ci = GitHubCi(publisher.gh, publisher.repo, publisher.branch.name,
                      lambda: publisher.check.head_sha, self.auth.app_id, self.ci_signals)
        try:
            await execute_run(self.store, run, FanOut(sinks), engine, ci=ci,
                              redelivery=self.redelivery)
        except BotError as exc:
            log.warning("publishing failed", extra={"run_id": run.id, "error": str(exc)})
            await self._fail(run, publisher, PUBLISH_FAILED.format(error=exc))
        finally:
            await engine.aclose()
            if streams is not None:
                await streams.aclose()

    async def _fail(self, run: RunRecord, publisher: GitHubPublisher, reason: str) -> None:
        """End the run as `error`, its failed check (or issue comment) owed in the outbox."""
        if (await self.store.get_run(run.id)).status not in LIVE:
            return  # a cancel came first; its verdict is the one owed
        verdict = outbox.outgoing(RunFinished(run_id=run.id, status=RunStatus.ERROR,
                                              title=PUBLISH_FAILED_TITLE, summary=reason))
        await self.store.set_status(run.id, RunStatus.ERROR, error=reason, send=verdict)
        if self.metrics is not None:
            self.metrics.runs_finished[(RunStatus.ERROR.value,)] += 1
        await outbox.deliver(self.store, run.id, publisher, verdict, self.redelivery)
