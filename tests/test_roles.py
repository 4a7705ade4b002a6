"""An engine per role: the config's `engines:` and a reviewer's `engine:`, the credentials each
provider needs, and the roster the report and the check run show."""

from __future__ import annotations

import pytest

from bot.check_output import Display
from bot.repo_config import RepoConfigInvalid, parse_repo_config
from pipeline.asks import CriticAsk, JudgeAsk, PlanReviewAsk
from pipeline.config import FactoryConfig, load_config_dict
from pipeline.engines.offline import OfflineEngine
from pipeline.engines.openai_engine import OpenAIEngine
from pipeline.engines.roles import RoleEngines, engine_for
from pipeline.engines.select import check_providers, make_engine
from pipeline.errors import ConfigError
from pipeline.events import Vote
from tests.fakes.canned_answers import small_plan

MIXED = {
    "engines": {"judge": "openai"},
    "models": {"judge": "gpt-4.1"},
    "panel": [
        {"name": "architect", "model": "claude-sonnet-4-6", "focus": "layering"},
        {"name": "product", "model": "claude-opus-4-6", "focus": "features",
         "engine": "anthropic"},
        {"name": "tester", "model": "gpt-4.1-mini", "focus": "tests", "engine": "openai"},
        {"name": "skeptic", "model": "qwen3-32b", "focus": "links", "engine": "local"},
    ],
    "prices": {"qwen3-32b": {"input": 0, "output": 0, "cache_write": 0, "cache_read": 0}},
}
CONFIG = load_config_dict(MIXED, source="test")
ENV = {"OPENAI_API_KEY": "sk-x", "LOCAL_BASE_URL": "http://127.0.0.1:9/v1"}


@pytest.fixture(autouse=True)
def anthropic_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The anthropic SDK reads its key from the process's environment itself."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-x")


def test_every_seat_names_its_engine_and_model() -> None:
    assert [s.label() for s in CONFIG.seats("offline")] == [
        "offline · claude-sonnet-4-6", "offline · claude-opus-4-6",
        "offline · claude-sonnet-4-6", "anthropic · claude-opus-4-6", "openai · gpt-4.1-mini",
        "local · qwen3-32b", "offline · claude-sonnet-4-6", "offline · claude-haiku-4-5",
        "openai · gpt-4.1"]


async def test_one_engine_when_no_role_names_another() -> None:
    engine = make_engine("offline", FactoryConfig(), environ={})
    assert isinstance(engine, OfflineEngine)


async def test_asks_go_to_their_roles_engine() -> None:
    engine = make_engine("offline", CONFIG, environ=ENV)
    assert isinstance(engine, RoleEngines)
    assert engine.name == "mixed: anthropic, local, offline, openai" and not engine.offline
    plan = small_plan()
    tester, skeptic = CONFIG.panel[2], CONFIG.panel[3]
    assert engine_for(PlanReviewAsk(idea="x", plan=plan, reviewer=tester), CONFIG,
                      "offline") == "openai"
    assert engine_for(PlanReviewAsk(idea="x", plan=plan, reviewer=skeptic), CONFIG,
                      "offline") == "local"
    assert engine_for(JudgeAsk(idea="x", plan=plan, files={}, checkpoints=[]), CONFIG,
                      "offline") == "openai"
    assert engine_for(CriticAsk(idea="x"), CONFIG, "offline") == "offline"
    reply = await engine.ask(CriticAsk(idea="A notes app"), CriticAsk.answer)
    assert reply.usage.model == "offline"
    await engine.aclose()


async def test_a_named_provider_needs_no_key() -> None:
    config = load_config_dict({**MIXED, "engines": {"judge": "local"}, "panel": MIXED["panel"][3:],
                               "panel_quorum": 1}, source="test")
    engine = make_engine("offline", config, environ={"LOCAL_BASE_URL": "http://127.0.0.1:9/v1"})
    assert isinstance(engine, RoleEngines)
    assert isinstance(engine._engines["local"], OpenAIEngine)
    assert engine._engines["local"].name == "local"
    await engine.aclose()


@pytest.mark.parametrize(("missing", "line"), [
    ("OPENAI_API_KEY", "OPENAI_API_KEY is not set: the openai engine needs it for the reviewer "
                       "tester and judge (for an OpenAI-compatible server set OPENAI_BASE_URL "
                       "too, or name it as a provider of its own)"),
    ("LOCAL_BASE_URL", "LOCAL_BASE_URL is not set: the provider 'local' (an OpenAI-compatible "
                       "server) needs it for the reviewer skeptic; set it to the server's "
                       "address, e.g. http://127.0.0.1:8000/v1, and LOCAL_API_KEY if it checks "
                       "keys"),
])
def test_a_provider_without_its_variables_is_one_line_naming_its_roles(
    missing: str, line: str,
) -> None:
    env = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(ConfigError) as raised:
        make_engine("offline", CONFIG, environ=env)
    assert str(raised.value) == line


def test_anthropic_without_a_key_names_the_roles_that_use_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match=r"ANTHROPIC_API_KEY is not set: .*; it serves the "
                                          r"reviewer product$"):
        make_engine("offline", CONFIG, environ=ENV)


@pytest.mark.parametrize("bad", [{"engines": {"judge": "Open AI"}},
                                 {"engines": {"reviewer": "openai"}}])
def test_a_bad_engine_name_is_refused_with_its_field(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match=r"engines\.(judge|reviewer)"):
        load_config_dict(bad, source="factory.yml")


def test_a_repository_may_name_engines_per_role() -> None:
    text = ("engines: {executor: local}\n"
            "panel:\n"
            "  - {name: a, model: gpt-4.1, engine: openai, focus: x}\n"
            "  - {name: b, model: claude-opus-4-6, focus: y}\n"
            "panel_quorum: 2\n")
    repo = parse_repo_config(text, FactoryConfig())
    assert repo.config.engines.executor == "local"
    assert [r.engine for r in repo.config.panel] == ["openai", None]
    with pytest.raises(RepoConfigInvalid) as raised:
        parse_repo_config("engines: {judge: '../etc'}\n", FactoryConfig())
    assert raised.value.problems[0].startswith("engines.judge: String should match pattern")


def test_the_check_run_names_the_model_behind_every_vote() -> None:
    display = Display(models=["critic: openai · gpt-4.1"], notes=["local lacks json_schema"],
                      votes=[Vote(reviewer="skeptic", engine="local", model="qwen3-32b",
                                  vote="abstain", reason="down").line()])
    summary = display.summary()
    assert "**Panel votes**\n\n- skeptic (local · qwen3-32b) abstains: down" in summary
    assert "**Models**\n\n- critic: openai · gpt-4.1" in summary
    assert "**Engine notes**\n\n- local lacks json_schema" in summary


def test_serve_checks_the_providers_of_its_config_at_start() -> None:
    check_providers("offline", CONFIG, ENV)
    with pytest.raises(ConfigError, match=r"^LOCAL_BASE_URL is not set"):
        check_providers("offline", CONFIG, {"OPENAI_API_KEY": "sk-x"})
