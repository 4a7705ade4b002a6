"""The OfflineEngine: dispatch on the ask type, honest usage, determinism."""

import pytest

from pipeline.answers import CriticReport, FileBody, JudgeOpinion, Plan, PlanReview
from pipeline.asks import CriticAsk, FileAsk, JudgeAsk, PlanAsk, PlanReviewAsk
from pipeline.config import FactoryConfig
from pipeline.engines.base import Engine
from pipeline.engines.offline import OfflineEngine
from pipeline.engines.offline.engine import estimate_tokens
from pipeline.errors import EngineError
from tests.offline_app import RECIPES


async def test_it_implements_the_engine_protocol_and_says_it_is_offline() -> None:
    engine: Engine = OfflineEngine(FactoryConfig())
    assert engine.name == "offline" and engine.offline is True
    await engine.aclose()


async def test_each_ask_type_gets_its_answer_with_usage_from_text_sizes() -> None:
    engine = OfflineEngine(FactoryConfig())
    critic_ask = CriticAsk(idea=RECIPES)
    critic = await engine.ask(critic_ask, CriticReport)
    assert critic.answer.score >= 7
    assert critic.usage.model == "offline" and critic.usage.cost_usd == 0.0
    assert critic.usage.input_tokens == estimate_tokens(critic_ask.model_dump_json())
    assert critic.usage.output_tokens == estimate_tokens(critic.answer.model_dump_json())

    plan = (await engine.ask(PlanAsk(idea=RECIPES, min_files=25, max_files=40), Plan)).answer
    reviewer = FactoryConfig().panel[0]
    review = await engine.ask(PlanReviewAsk(idea=RECIPES, plan=plan, reviewer=reviewer),
                              PlanReview)
    assert review.answer.approve
    body = await engine.ask(FileAsk(idea=RECIPES, plan=plan, spec=plan.spec("lib/main.dart")),
                            FileBody)
    assert "runApp(" in body.answer.content
    assert body.usage.output_tokens > 10
    judge = await engine.ask(JudgeAsk(idea=RECIPES, plan=plan, files={}, checkpoints=[]),
                             JudgeOpinion)
    assert judge.answer.verdicts == []


async def test_a_wrong_answer_type_is_an_engine_error() -> None:
    engine = OfflineEngine(FactoryConfig())
    with pytest.raises(EngineError, match="CriticAsk is answered with CriticReport, not Plan"):
        await engine.ask(CriticAsk(idea=RECIPES), Plan)


async def test_same_ask_same_seed_same_answer() -> None:
    config = FactoryConfig(fault_rate=0.5, seed=3)
    plan = OfflineEngine(config).answer(PlanAsk(idea=RECIPES, min_files=25, max_files=40))
    assert isinstance(plan, Plan)
    for spec in plan.files:
        ask = FileAsk(idea=RECIPES, plan=plan, spec=spec)
        first = await OfflineEngine(config).ask(ask, FileBody)
        second = await OfflineEngine(config).ask(ask, FileBody)
        assert first == second


def test_token_estimate_is_about_four_characters_per_token() -> None:
    assert estimate_tokens("x" * 400) == 100
    assert estimate_tokens("") == 1
