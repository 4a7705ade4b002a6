"""The benchmarks' workload: real plans of several ideas, each file's tokens and modelled time.

The offline engine plans each idea and writes and reviews every file, through the simulated
engine's accounting (with no waiting), so each file's output tokens are the size of the file
the offline engine writes and its seconds are what the latency model says the two calls take.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace

from pipeline.answers import FileBody, FileReview, Plan
from pipeline.asks import FileAsk, FileReviewAsk, PlanAsk
from pipeline.config import FactoryConfig
from pipeline.dag import Dag
from pipeline.engines.latency import LatencyModel
from pipeline.engines.simulated import SimulatedEngine

DEFAULT_IDEAS = (
    "A recipe box with shopping lists and a weekly meal plan",
    "A personal budget app that tracks expenses, income and monthly budgets per category",
    "A home inventory of rooms, items and warranties",
    "A reading log for books with ratings and notes",
    "A flashcard app for students with decks and study sessions",
)
"""Five ideas, small and large: their offline plans have about 30 to 40 files."""


@dataclass(frozen=True)
class FileCost:
    """One planned file: the tokens of one attempt and its modelled seconds."""

    output_tokens: int
    """The file's size in tokens."""
    prompt_tokens: int
    """The executor's prompt: conventions, plan and the dependencies' contents."""
    review_tokens: int
    """The review call's prompt and answer."""
    seconds: float
    """Executor call plus review call, by the latency model."""

    @property
    def attempt_tokens(self) -> int:
        return self.output_tokens + self.prompt_tokens + self.review_tokens


@dataclass(frozen=True)
class Workload:
    """One idea's plan as a graph, with each file's cost."""

    idea: str
    deps: dict[str, list[str]]
    files: dict[str, FileCost]

    def dag(self) -> Dag:
        """A fresh graph (a Dag is used up by one scheduling run)."""
        return Dag(self.deps)

    def durations(self) -> dict[str, float]:
        return {path: cost.seconds for path, cost in self.files.items()}

    def jittered(self, sigma: float, rng: random.Random) -> Workload:
        """A copy whose call times vary as real ones do: each is scaled by a log-normal
        factor with mean 1 (`sigma` is the spread of its logarithm; 0 changes nothing)."""
        if sigma < 0:
            raise ValueError("jitter must not be negative")
        if sigma == 0:
            return self
        mu = -sigma * sigma / 2  # keeps the factor's mean at 1
        files = {path: replace(cost, seconds=cost.seconds * math.exp(rng.gauss(mu, sigma)))
                 for path, cost in self.files.items()}
        return replace(self, files=files)


async def _noop(_: float) -> None:
    return None


async def build_workload(idea: str, config: FactoryConfig, latency: LatencyModel) -> Workload:
    """Plan `idea` with the offline engine, then write and review each file in DAG order."""
    engine = SimulatedEngine(config, latency=latency, sleep=_noop)
    try:
        plan_ask = PlanAsk(idea=idea, min_files=config.min_files, max_files=config.max_files)
        plan = (await engine.ask(plan_ask, Plan)).answer
        deps = {f.path: list(f.depends_on) for f in plan.files}
        contents: dict[str, str] = {}
        files: dict[str, FileCost] = {}
        for level in Dag(deps).by_level():
            for path in level:
                spec = plan.spec(path)
                ask = FileAsk(idea=idea, plan=plan, spec=spec,
                              dependencies={d: contents[d] for d in spec.depends_on})
                written = await engine.ask(ask, FileBody)
                contents[path] = written.answer.content
                review_ask = FileReviewAsk(idea=idea, plan=plan, spec=spec,
                                           content=written.answer.content)
                review = (await engine.ask(review_ask, FileReview)).usage
                out = written.usage.output_tokens
                files[path] = FileCost(
                    output_tokens=out, prompt_tokens=written.usage.total_tokens - out,
                    review_tokens=review.total_tokens,
                    seconds=written.usage.seconds + review.seconds,
                )
        return Workload(idea=idea, deps=deps, files=files)
    finally:
        await engine.aclose()


async def build_workloads(ideas: list[str], config: FactoryConfig,
                          latency: LatencyModel) -> list[Workload]:
    """The workload of each idea, in order."""
    return [await build_workload(idea, config, latency) for idea in ideas]
