"""The openai engine against the Chat Completions fake over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pipeline.answers import CriticReport, FileBody, Plan, PlanReview
from pipeline.asks import CriticAsk, FileAsk, PlanAsk, PlanReviewAsk
from pipeline.config import FactoryConfig, ModelsConfig, ReviewerConfig
from pipeline.engines.capabilities import capabilities
from pipeline.engines.limiter import Limits, RateLimiter
from pipeline.engines.openai_engine import OpenAIEngine
from pipeline.engines.providers import Provider
from pipeline.engines.retry import RetryPolicy
from pipeline.errors import EngineError, InvalidAnswer, Refused, TransientEngineError
from tests.fakes.canned_answers import canned_answer, file_content, small_plan
from tests.fakes.openai_api import API_KEY, MODELS, FakeOpenAI
from tests.support.sleeps import Sleeps

IDEA = "A recipe box that plans the week's dinners"
LOCAL = "llama-3.3-70b-instruct"
CONFIG = FactoryConfig(
    models=ModelsConfig(critic="gpt-4.1-mini", planner="gpt-4.1", executor="gpt-4.1",
                        file_reviewer="gpt-4.1-mini", judge="o4-mini"),
    prices={LOCAL: {"input": 0, "output": 0, "cache_write": 0, "cache_read": 0}},
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI(answer=canned_answer, models=MODELS | {LOCAL}) as server:
        yield server


def make_engine(fake: FakeOpenAI, *, sleeps: Sleeps | None = None, attempts: int = 4,
                key: str = API_KEY, name: str = "openai",
                config: FactoryConfig = CONFIG) -> OpenAIEngine:
    retry = RetryPolicy(attempts=attempts, base_s=0.01, sleep=sleeps or Sleeps())
    provider = Provider(name, fake.url, key, f"{name.upper()}_API_KEY")
    return OpenAIEngine(config, provider, retry=retry,
                        limiter=RateLimiter(Limits(10**6, 10**9, 10**9)), timeout_s=1.0)


def file_ask(plan: Plan, index: int) -> FileAsk:
    spec = plan.files[index]
    return FileAsk(idea=IDEA, plan=plan, spec=spec,
                   dependencies={d: file_content(d) for d in spec.depends_on})


async def test_json_roles_answer_through_a_strict_json_schema(fake: FakeOpenAI) -> None:
    engine = make_engine(fake)
    reply = await engine.ask(CriticAsk(idea=IDEA), CriticReport)
    await engine.aclose()

    assert reply.answer == await canned_answer(CriticAsk(idea=IDEA))
    [body] = fake.requests
    form = body["response_format"]
    assert form["type"] == "json_schema" and form["json_schema"]["strict"] is True
    assert "tools" not in body and body["max_tokens"] == 2_048
    assert fake.rejected == [] and reply.notes == ()
    assert reply.usage.input_tokens == fake.tally.prompt_tokens
    assert reply.usage.output_tokens == fake.tally.completion_tokens
    assert reply.usage.cost_usd > 0


async def test_a_reasoning_model_gets_max_completion_tokens_and_no_temperature(
    fake: FakeOpenAI,
) -> None:
    reviewer = ReviewerConfig(name="product", model="o4-mini", focus="features",
                              temperature=0.7)
    engine = make_engine(fake)
    await engine.ask(PlanReviewAsk(idea=IDEA, plan=small_plan(), reviewer=reviewer),
                     PlanReview)
    await engine.aclose()
    [body] = fake.requests
    assert body["max_completion_tokens"] == 2_048
    assert "max_tokens" not in body and "temperature" not in body


async def test_a_file_is_streamed_with_usage_and_its_prefix_read_from_the_cache(
    fake: FakeOpenAI,
) -> None:
    plan = small_plan(3).model_copy(update={"summary": "A tiny app. " * 800})
    engine = make_engine(fake)
    first = await engine.ask(file_ask(plan, 1), FileBody)
    second = await engine.ask(file_ask(plan, 2), FileBody)
    await engine.aclose()

    assert first.answer.content == file_content("lib/part_1.dart")
    assert not first.answer.truncated
    assert all(b["stream_options"] == {"include_usage": True} for b in fake.requests)
    assert first.usage.cache_read_tokens == 0 and second.usage.cache_read_tokens >= 1024
    assert fake.tally.cached_tokens == second.usage.cache_read_tokens
    assert first.usage.cache_write_tokens == 0


async def test_a_file_cut_off_at_the_length_limit_comes_back_truncated(
    fake: FakeOpenAI,
) -> None:
    fake.stream_script = ["length"]
    engine = make_engine(fake)
    reply = await engine.ask(file_ask(small_plan(), 0), FileBody)
    await engine.aclose()
    assert reply.answer.truncated
    assert reply.answer.content != file_content("lib/main.dart")


@pytest.mark.parametrize("fault", ["drop", "early-end"])
async def test_a_broken_stream_is_retried(fake: FakeOpenAI, fault: str) -> None:
    fake.stream_script = [fault]
    sleeps = Sleeps()
    engine = make_engine(fake, sleeps=sleeps)
    reply = await engine.ask(file_ask(small_plan(), 0), FileBody)
    await engine.aclose()
    assert reply.answer.content == file_content("lib/main.dart")
    assert len(fake.requests) == 2 and len(sleeps.delays) == 1
    assert fake.unreported.answers == 1  # the broken stream's usage never reached the client
    assert reply.usage.output_tokens == fake.tally.completion_tokens


async def test_a_429_waits_as_long_as_retry_after_says(fake: FakeOpenAI) -> None:
    fake.script = ["429", "503", "500"]
    fake.retry_after = "7"
    sleeps = Sleeps()
    engine = make_engine(fake, sleeps=sleeps)
    await engine.ask(CriticAsk(idea=IDEA), CriticReport)
    await engine.aclose()
    assert len(fake.requests) == 4
    assert 7 <= sleeps.delays[0] <= 7.02 and all(d < 1 for d in sleeps.delays[1:])


@pytest.mark.parametrize(("script", "error", "line"), [
    (["503"] * 3, TransientEngineError, r"^openai answered 503: The engine is"),
    (["refusal"], Refused, r"^gpt-4\.1-mini refused to answer \(critic\): I.m sorry"),
], ids=["retries run out", "refusal"])
async def test_an_answer_that_never_comes_is_one_line(
    fake: FakeOpenAI, script: list[str], error: type[EngineError], line: str,
) -> None:
    fake.script = script
    engine = make_engine(fake, attempts=3)
    with pytest.raises(error, match=line):
        await engine.ask(CriticAsk(idea=IDEA), CriticReport)
    await engine.aclose()


async def test_an_invalid_answer_gets_one_repair_turn_then_fails(fake: FakeOpenAI) -> None:
    fake.script = ["invalid"]
    engine = make_engine(fake)
    reply = await engine.ask(CriticAsk(idea=IDEA), CriticReport)
    assert len(fake.requests) == 2
    repair = fake.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant" and "rejected" in repair[-1]["content"]
    assert reply.usage.output_tokens == fake.tally.completion_tokens  # both calls billed

    fake.script = ["invalid", "invalid"]
    with pytest.raises(InvalidAnswer, match="still invalid after a repair turn") as raised:
        await engine.ask(CriticAsk(idea=IDEA), CriticReport)
    await engine.aclose()
    assert raised.value.usage is not None and raised.value.usage.output_tokens > 0


async def test_an_overflowing_prompt_is_asked_again_with_signatures(fake: FakeOpenAI) -> None:
    fake.stream_script = ["context"]
    engine = make_engine(fake)
    plan = small_plan(3)
    ask = file_ask(plan, 2).model_copy(update={"dependencies": {
        "lib/part_1.dart": "class Part1 {\n  int f() { return 1; }\n}\n"}})
    reply = await engine.ask(ask, FileBody)
    await engine.aclose()
    assert reply.answer.content == file_content("lib/part_2.dart")
    retried = fake.requests[1]["messages"][-1]["content"]
    assert "int f() { … }" in retried and "return 1" not in retried


async def test_a_server_without_json_schema_or_tools_degrades_once_per_model(
    fake: FakeOpenAI,
) -> None:
    fake.json_schema = fake.tools = False
    engine = make_engine(fake)
    first = await engine.ask(CriticAsk(idea=IDEA), CriticReport)
    again = await engine.ask(CriticAsk(idea=IDEA), CriticReport)
    await engine.aclose()

    assert [n.split(" (")[0] for n in first.notes] == [
        "openai does not take JSON-schema output for gpt-4.1-mini",
        "openai takes no function calls for gpt-4.1-mini either"]
    assert again.notes == () and again.answer == first.answer
    assert len(fake.rejected) == 2 and len(fake.requests) == 4
    assert "It must match this JSON schema" in fake.requests[-1]["messages"][-1]["content"]


async def test_an_unknown_model_on_a_named_provider_takes_json_schema_and_no_temperature(
    fake: FakeOpenAI,
) -> None:
    config = CONFIG.model_copy(update={"models": ModelsConfig(planner=LOCAL)})
    engine = make_engine(fake, name="local", config=config)
    reply = await engine.ask(PlanAsk(idea=IDEA, min_files=1, max_files=5), Plan)
    await engine.aclose()
    assert reply.answer == small_plan()
    [body] = fake.requests
    assert body["model"] == LOCAL and "response_format" in body
    assert body["max_tokens"] == capabilities(LOCAL, "local").max_output_tokens
    assert reply.usage.cost_usd == 0


async def test_a_wrong_key_is_one_line_naming_its_variable(fake: FakeOpenAI) -> None:
    engine = make_engine(fake, key="sk-wrong", name="openrouter")
    with pytest.raises(EngineError) as raised:
        await engine.ask(CriticAsk(idea=IDEA), CriticReport)
    await engine.aclose()
    assert str(raised.value) == "openrouter rejected the API key (OPENROUTER_API_KEY)"
    assert not isinstance(raised.value, TransientEngineError)


async def test_a_model_the_server_lacks_is_one_line(fake: FakeOpenAI) -> None:
    config = CONFIG.model_copy(update={"models": ModelsConfig(critic="claude-sonnet-4-6")})
    engine = make_engine(fake, config=config)
    with pytest.raises(EngineError, match=r"^openai does not know model .claude-sonnet-4-6."):
        await engine.ask(CriticAsk(idea=IDEA), CriticReport)
    await engine.aclose()
