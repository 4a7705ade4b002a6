"""Tests for the simulated engine: inner answers, modelled latency and priced usage."""

from typing import TypeVar

import pytest
from pydantic import BaseModel

from pipeline import pricing
from pipeline.answers import CriticReport, FileBody, FileSpec, Plan, PlanReview
from pipeline.asks import Ask, CriticAsk, FileAsk, PlanReviewAsk
from pipeline.config import FactoryConfig
from pipeline.engines.base import Reply, Usage
from pipeline.engines.latency import LatencyModel
from pipeline.engines.select import make_engine
from pipeline.engines.simulated import SimulatedEngine, model_for
from pipeline.errors import ConfigError

A = TypeVar("A", bound=BaseModel)

PLAN = Plan(
    app_name="notes", title="Notes", summary="A notes app " + "with many words " * 40,
    files=[FileSpec(path="lib/main.dart", purpose="entry point"),
           FileSpec(path="lib/note.dart", purpose="model", depends_on=[])],
)
CONTENT = "class Note {}\n" * 100  # 1400 characters: 350 tokens


class Canned:
    """An inner engine that answers from a table and reports zero or given tokens."""

    name = "canned"
    offline = True

    def __init__(self, answers: dict[type[Ask], BaseModel], usage: Usage | None = None) -> None:
        self.answers = answers
        self.inner_usage = usage or Usage(model="offline")
        self.closed = False

    async def ask(self, ask: Ask, answer_type: type[A]) -> Reply[A]:
        answer = self.answers[type(ask)]
        assert isinstance(answer, answer_type)
        return Reply(answer, self.inner_usage)

    async def aclose(self) -> None:
        self.closed = True


class Clock:
    def __init__(self) -> None:
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def _file_ask(path: str = "lib/note.dart") -> FileAsk:
    return FileAsk(idea="notes", plan=PLAN, spec=PLAN.spec(path))


def _engine(clock: Clock, inner: Canned, **kwargs: float) -> SimulatedEngine:
    latency = LatencyModel(ttft_s=1.0, tokens_per_s=50)
    return SimulatedEngine(FactoryConfig(), latency=latency, inner=inner, sleep=clock.sleep,
                           **kwargs)


async def test_a_file_answer_waits_the_modelled_time_divided_by_sim_speed() -> None:
    clock = Clock()
    engine = _engine(clock, Canned({FileAsk: FileBody(content=CONTENT)}), sim_speed=10)
    reply = await engine.ask(_file_ask(), FileBody)
    assert reply.answer.content == CONTENT
    assert reply.usage.output_tokens == 350
    assert reply.usage.seconds == pytest.approx(1.0 + 350 / 50)
    assert clock.slept == [pytest.approx(0.8)]


async def test_usage_is_priced_as_the_roles_model() -> None:
    clock = Clock()
    config = FactoryConfig()
    engine = _engine(clock, Canned({FileAsk: FileBody(content=CONTENT)}))
    usage = (await engine.ask(_file_ask(), FileBody)).usage
    assert usage.model == config.models.executor
    expected = pricing.cost(
        config.price(usage.model), input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens, cache_write_tokens=usage.cache_write_tokens,
        cache_read_tokens=usage.cache_read_tokens,
    )
    assert usage.cost_usd == pytest.approx(expected)
    assert usage.cost_usd > 0


async def test_the_plan_is_written_to_the_cache_once_then_read() -> None:
    clock = Clock()
    engine = _engine(clock, Canned({FileAsk: FileBody(content=CONTENT)}))
    first = (await engine.ask(_file_ask("lib/note.dart"), FileBody)).usage
    second = (await engine.ask(_file_ask("lib/main.dart"), FileBody)).usage
    assert first.cache_write_tokens > 0 and first.cache_read_tokens == 0
    assert second.cache_read_tokens == first.cache_write_tokens and second.cache_write_tokens == 0
    assert second.cost_usd < first.cost_usd


async def test_tokens_reported_by_the_inner_engine_win_over_estimates() -> None:
    clock = Clock()
    inner = Canned({FileAsk: FileBody(content=CONTENT)},
                   Usage(model="offline", input_tokens=9_000, output_tokens=1_000))
    usage = (await _engine(clock, inner).ask(_file_ask(), FileBody)).usage
    assert usage.output_tokens == 1_000
    assert usage.input_tokens + usage.cache_write_tokens == 9_000
    assert usage.seconds == pytest.approx(1.0 + 1_000 / 50)


async def test_a_json_answer_counts_its_serialized_size() -> None:
    clock = Clock()
    review = PlanReview(approve=False, feedback=["split the big screen " * 10])
    reviewer = FactoryConfig().panel[2]
    ask = PlanReviewAsk(idea="notes", plan=PLAN, reviewer=reviewer)
    usage = (await _engine(clock, Canned({PlanReviewAsk: review})).ask(ask, PlanReview)).usage
    assert usage.model == reviewer.model
    assert usage.output_tokens == round(len(review.model_dump_json()) / 4)


def test_model_for_follows_the_config() -> None:
    config = FactoryConfig()
    assert model_for(CriticAsk(idea="x"), config) == config.models.critic
    assert model_for(_file_ask(), config) == config.models.executor


async def test_names_itself_and_says_it_is_offline() -> None:
    inner = Canned({})
    engine = _engine(Clock(), inner)
    assert engine.name == "simulated" and engine.offline is True
    await engine.aclose()
    assert inner.closed


def test_sim_speed_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="sim_speed"):
        _engine(Clock(), Canned({}), sim_speed=0)


async def test_real_sleep_is_scaled_down() -> None:
    report = CriticReport.model_validate({
        "criteria": [{"name": n, "score": 7, "reason": "ok"} for n in
                     ("clarity", "user_value", "feasibility", "scope", "differentiation")],
        "compliance": {"level": "low", "category": "none", "reason": "none"},
        "summary": "fine",
    })
    engine = SimulatedEngine(FactoryConfig(), sim_speed=1_000_000,
                             inner=Canned({CriticAsk: report}))
    reply = await engine.ask(CriticAsk(idea="notes"), CriticReport)
    assert reply.answer == report
    assert reply.usage.seconds > 0.8


async def test_make_engine_builds_it_around_the_offline_engine() -> None:
    engine = make_engine("simulated", FactoryConfig(), sim_speed=1_000_000)
    assert isinstance(engine, SimulatedEngine)
    reply = await engine.ask(CriticAsk(idea="a recipe box with shopping lists"), CriticReport)
    assert reply.usage.model == FactoryConfig().models.critic
    assert reply.usage.output_tokens > 0 and reply.usage.cost_usd > 0
    await engine.aclose()
