"""Whole `factory run`s on the openai engine against Chat Completions fakes over loopback HTTP,
and a mixed panel: two reviewers on the Messages API fake, two on two Chat Completions fakes."""

from __future__ import annotations

import socket
from contextlib import ExitStack
from pathlib import Path

import pytest

from factory.cli import main
from pipeline.config import FactoryConfig
from pipeline.store.base import LedgerRow
from tests.fakes.anthropic_api import API_KEY as ANTHROPIC_KEY
from tests.fakes.canned_answers import offline_answerer
from tests.fakes.openai_api import API_KEY, FakeOpenAI
from tests.fakes.threaded import served_in_thread
from tests.test_engines_e2e import (
    FAST_LIMITS,
    RECIPES,
    assert_ledger_matches_fake,
    ledger,
    new_fake,
    run_factory,
)

OPENAI_MODELS = ("models: {critic: gpt-4.1-mini, planner: gpt-4.1, executor: gpt-4.1, "
                 "file_reviewer: gpt-4.1-mini, judge: o4-mini}\n"
                 "panel:\n"
                 "  - {name: architect, model: gpt-4.1, focus: layering}\n"
                 "  - {name: product, model: o4-mini, focus: features}\n"
                 "  - {name: tester, model: gpt-4.1-mini, focus: tests}\n"
                 "  - {name: skeptic, model: gpt-4o, focus: links, temperature: 0.7}\n")
LOCAL_MODEL = "qwen2.5-coder-32b"
LOCAL_PRICE = (f"prices: {{{LOCAL_MODEL}: {{input: 0, output: 0, cache_write: 0, "
               "cache_read: 0}}\n")
MIXED_PANEL = (
    "panel:\n"
    "  - {name: architect, model: claude-sonnet-4-6, focus: layering}\n"
    "  - {name: product, model: claude-opus-4-6, focus: features}\n"
    "  - {name: tester, model: gpt-4.1, engine: openai, focus: tests}\n"
    f"  - {{name: skeptic, model: {LOCAL_MODEL}, engine: local, focus: links, "
    "temperature: 0.7}\n" + LOCAL_PRICE
)
ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "LOCAL_API_KEY", "LOCAL_BASE_URL", "OPENAI_ORG_ID",
       "OPENAI_PROJECT_ID", "OPENAI_CUSTOM_HEADERS", "OPENAI_ADMIN_KEY")
__all__ = ["clean_env"]


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORY_DATA_DIR", str(tmp_path / "data"))
    for name in ("FACTORY_DATABASE_URL", "FACTORY_ENGINE", "FACTORY_CONFIG_FILE",
                 "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", *ENV):
        monkeypatch.delenv(name, raising=False)


def new_openai(**features: bool) -> FakeOpenAI:
    fake = FakeOpenAI(answer=offline_answerer(FactoryConfig()), **features)
    fake.retry_after = "0"
    return fake


def assert_ledger_is_the_fakes(rows: list[LedgerRow], *fakes: FakeOpenAI) -> None:
    """The ledger's tokens are what the fakes reported: input + cache reads = prompt tokens."""
    prompt = sum(f.tally.prompt_tokens for f in fakes)
    cached = sum(f.tally.cached_tokens for f in fakes)
    assert sum(r.usage.input_tokens + r.usage.cache_read_tokens for r in rows) == prompt
    assert sum(r.usage.cache_read_tokens for r in rows) == cached
    assert sum(r.usage.output_tokens for r in rows) == sum(f.tally.completion_tokens
                                                           for f in fakes)
    assert sum(r.usage.cache_write_tokens for r in rows) == 0


def run_openai(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch,
               capsys: pytest.CaptureFixture[str], tmp_path: Path,
               config: str = FAST_LIMITS + OPENAI_MODELS) -> tuple[int, dict[str, object]]:
    with served_in_thread(fake) as url:
        monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        return run_factory(capsys, tmp_path, RECIPES, "openai", config=config)


def report(tmp_path: Path) -> str:
    return (tmp_path / "app" / "FACTORY_REPORT.md").read_text()


def test_an_openai_run_completes_and_its_ledger_is_the_fakes_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_openai()
    code, summary = run_openai(fake, monkeypatch, capsys, tmp_path)

    assert code == 0, summary
    assert summary["status"] == "succeeded" and summary["failed"] == []
    assert fake.rejected == []
    rows = ledger(str(summary["run_id"]))
    assert len(rows) == fake.tally.answers == len(fake.requests)
    assert_ledger_is_the_fakes(rows, fake)
    assert fake.tally.cached_tokens > 0  # the shared context was read from the cache
    assert float(str(summary["cost_usd"])) > 0
    reasoning = [b for b in fake.requests if b["model"] == "o4-mini"]
    assert reasoning and all("max_completion_tokens" in b and "temperature" not in b
                             for b in reasoning)
    assert any(b.get("temperature") == 0.7 for b in fake.requests)
    streamed = [b for b in fake.requests if b.get("stream")]
    assert streamed and all(b["stream_options"] == {"include_usage": True} for b in streamed)
    assert all("response_format" in b for b in fake.requests if not b.get("stream"))
    text = report(tmp_path)
    assert "| reviewer skeptic | openai | `gpt-4o` |" in text
    assert "## Engine notes" not in text


# The critic's call (429), the planner's (503, then an invalid answer and its repair), the
# panel's (500, a reset, a cut-off answer); then faults in streamed file bodies.
FAULTS = ["429", "ok", "503", "invalid", "ok", "500", "reset", "length"]
STREAM_FAULTS = ["drop", "ok", "early-end", "length", "ok", "drop"]


def test_with_faults_injected_the_run_still_completes_and_matches_the_fake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_openai()
    fake.script, fake.stream_script = list(FAULTS), list(STREAM_FAULTS)
    code, summary = run_openai(fake, monkeypatch, capsys, tmp_path)

    assert code == 0, summary["outcome"]
    assert summary["status"] == "succeeded"
    assert fake.script == [] and fake.stream_script == []
    assert fake.rejected == []
    rows = ledger(str(summary["run_id"]))
    assert_ledger_is_the_fakes(rows, fake)
    assert fake.unreported.answers == 3  # the broken streams: the API reported nothing
    app = tmp_path / "app"
    generated = [p for p in fake.files if (app / p).exists()]
    assert len(generated) >= 17
    assert all((app / p).read_text() == fake.files[p] for p in generated)


def test_a_server_without_json_schema_completes_through_the_fallback_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_openai(json_schema=False)
    code, summary = run_openai(fake, monkeypatch, capsys, tmp_path)

    assert code == 0, summary
    refused = [r for r in fake.rejected if "json_schema" in r]
    assert refused and len(refused) == len(fake.rejected) == len(set(
        b["model"] for b in fake.requests if "response_format" in b))  # once per model
    assert_ledger_is_the_fakes(ledger(str(summary["run_id"])), fake)
    text = report(tmp_path)
    assert "## Engine notes" in text
    assert ("openai does not take JSON-schema output for gpt-4.1-mini (response_format type "
            "'json_schema' is not supported by this server): its JSON answers came through a "
            "forced function call instead") in text


def test_a_server_with_neither_json_schema_nor_tools_nor_stream_usage_still_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_openai(json_schema=False, tools=False, stream_usage=False)
    code, summary = run_openai(fake, monkeypatch, capsys, tmp_path)

    assert code == 0, summary
    text = report(tmp_path)
    assert "were asked for in the prompt and read from its text" in text
    assert "sent no usage for gpt-4.1's streamed answers: their tokens are estimated" in text
    rows = ledger(str(summary["run_id"]))
    files = [r for r in rows if r.stage == "codegen" and r.usage.model == "gpt-4.1"]
    assert files and all(r.usage.output_tokens > 0 for r in files)  # estimated, not zero


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/v1"  # nothing listens there afterwards


def _mixed_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
               tmp_path: Path, *, local_down: bool) -> tuple[int, dict[str, object], list[object]]:
    claude = new_fake()
    claude.retry_after = "0"
    hosted = new_openai()
    local = FakeOpenAI(answer=offline_answerer(FactoryConfig()), api_key=None,
                       models=frozenset({LOCAL_MODEL}))
    with ExitStack() as stack:
        monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", stack.enter_context(served_in_thread(claude)))
        monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", stack.enter_context(served_in_thread(hosted)))
        local_url = _closed_port() if local_down else stack.enter_context(
            served_in_thread(local))
        monkeypatch.setenv("LOCAL_BASE_URL", local_url)
        code, summary = run_factory(capsys, tmp_path, RECIPES, "anthropic",
                                    config=FAST_LIMITS + MIXED_PANEL)
    return code, summary, [claude, hosted, local]


def test_a_mixed_panel_votes_with_four_models_behind_three_providers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    code, summary, (claude, hosted, local) = _mixed_run(monkeypatch, capsys, tmp_path,
                                                       local_down=False)
    assert code == 0, summary
    assert isinstance(hosted, FakeOpenAI) and isinstance(local, FakeOpenAI)
    assert [b["model"] for b in hosted.requests] == ["gpt-4.1"]
    assert [b["model"] for b in local.requests] == [LOCAL_MODEL]
    assert "temperature" not in local.requests[0]  # an unknown model gets none
    text = report(tmp_path)
    for line in ("architect (anthropic · claude-sonnet-4-6) approves",
                 "product (anthropic · claude-opus-4-6) approves",
                 "tester (openai · gpt-4.1) approves",
                 f"skeptic (local · {LOCAL_MODEL}) approves"):
        assert line in text
    rows = ledger(str(summary["run_id"]))
    assert_ledger_is_the_fakes([r for r in rows if r.usage.model == "gpt-4.1"], hosted)
    assert_ledger_is_the_fakes([r for r in rows if r.usage.model == LOCAL_MODEL], local)
    assert_ledger_matches_fake([r for r in rows if r.usage.model.startswith("claude")], claude)


def test_with_one_provider_down_its_reviewer_abstains_and_the_other_three_carry_the_vote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    code, summary, _ = _mixed_run(monkeypatch, capsys, tmp_path, local_down=True)

    assert code == 0, summary
    text = report(tmp_path)
    assert "- round 1: 3 approvals (quorum 3)" in text
    assert (f"skeptic (local · {LOCAL_MODEL}) abstains: the connection to local failed: "
            "Connection error.") in text
    assert "tester (openai · gpt-4.1) approves" in text


def test_a_role_naming_a_provider_without_its_variables_fails_at_start_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "factory.yml"
    config.write_text(MIXED_PANEL + "engines: {judge: local}\n")
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    code = main(["run", RECIPES, "--out", str(tmp_path / "app"), "--engine", "offline",
                 "--config", str(config)])
    assert code == 3
    [line] = capsys.readouterr().err.splitlines()
    assert line == (
        "factory: error: LOCAL_BASE_URL is not set: the provider 'local' (an OpenAI-compatible "
        "server) needs it for the reviewer skeptic and judge; set it to the server's address, "
        "e.g. http://127.0.0.1:8000/v1, and LOCAL_API_KEY if it checks keys")
