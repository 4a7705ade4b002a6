"""`factory run` on the model engines: the anthropic engine against the Messages API fake over
loopback HTTP, and the claude-cli engine against the stand-in executable."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from factory.cli import main
from pipeline.cache_savings import cache_savings
from pipeline.config import FactoryConfig, Settings
from pipeline.store import open_store
from pipeline.store.base import LedgerRow
from tests.fakes.anthropic_api import API_KEY, FakeAnthropic
from tests.fakes.canned_answers import offline_answerer
from tests.fakes.threaded import served_in_thread

RECIPES = ("A recipe box with shopping lists and meal plans: save recipes with ingredients, "
           "plan meals for the week and build a shopping list")
HABITS = "A habit tracker with daily streaks and notes on each check-in"
FAKES = Path(__file__).parent / "fakes"
# The default limits would make a whole run wait on the limiter; the fake has no limits.
FAST_LIMITS = ("requests_per_minute: 100000\ntokens_per_minute: 100000000\n"
               "output_tokens_per_minute: 100000000\n")
SMALL_APP = "min_files: 10\nmax_files: 20\n"
SECRETS = ("GITHUB_PRIVATE_KEY", "GITHUB_WEBHOOK_SECRET")


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORY_DATA_DIR", str(tmp_path / "data"))
    for name in ("FACTORY_DATABASE_URL", "FACTORY_ENGINE", "FACTORY_CONFIG_FILE",
                 "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def run_factory(capsys: pytest.CaptureFixture[str], tmp_path: Path, idea: str, engine: str,
                *extra: str, config: str = FAST_LIMITS) -> tuple[int, dict[str, object]]:
    config_file = tmp_path / "factory.yml"
    config_file.write_text(config)
    code = main(["run", idea, "--out", str(tmp_path / "app"), "--engine", engine,
                 "--config", str(config_file), "--json", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out[out.index("{"):]) if "{" in out else {}


def ledger(run_id: str) -> list[LedgerRow]:
    async def read() -> list[LedgerRow]:
        store = await open_store(Settings().database())
        try:
            return await store.ledger(run_id)
        finally:
            await store.close()

    return asyncio.run(read())


def run_anthropic(fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str], tmp_path: Path,
                  *extra: str) -> tuple[int, dict[str, object]]:
    with served_in_thread(fake) as url:
        monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
        return run_factory(capsys, tmp_path, RECIPES, "anthropic", *extra)


def assert_ledger_matches_fake(rows: list[LedgerRow], fake: FakeAnthropic) -> None:
    assert sum(r.usage.input_tokens for r in rows) == fake.tally.input_tokens
    assert sum(r.usage.output_tokens for r in rows) == fake.tally.output_tokens
    assert sum(r.usage.cache_write_tokens for r in rows) == fake.tally.cache_creation_input_tokens
    assert sum(r.usage.cache_read_tokens for r in rows) == fake.tally.cache_read_input_tokens


def new_fake() -> FakeAnthropic:
    return FakeAnthropic(answer=offline_answerer(FactoryConfig()))  # each model's real minimum


def test_an_anthropic_run_completes_and_its_ledger_is_the_fakes_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_fake()
    code, summary = run_anthropic(fake, monkeypatch, capsys, tmp_path)

    assert code == 0, summary
    assert summary["status"] == "succeeded" and summary["failed"] == []
    assert fake.rejected == []
    rows = ledger(str(summary["run_id"]))
    assert len(rows) == fake.tally.answers == len(fake.requests)
    assert_ledger_matches_fake(rows, fake)
    assert summary["tokens"] == sum(r.usage.total_tokens for r in rows)
    assert (tmp_path / "app" / "lib" / "main.dart").exists()


def test_files_2_to_n_read_the_shared_context_from_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_fake()
    code, summary = run_anthropic(fake, monkeypatch, capsys, tmp_path, "--concurrency", "1")
    assert code == 0, summary

    rows = ledger(str(summary["run_id"]))
    executor = FactoryConfig().models.executor
    files = [r for r in rows if r.stage == "codegen" and r.usage.model == executor]
    assert len(files) >= 25
    assert files[0].usage.cache_write_tokens > 0
    assert all(r.usage.cache_read_tokens > 0 for r in files[1:])
    savings = cache_savings([r.usage for r in rows], FactoryConfig())
    print(f"run cost ${savings.with_cache_usd:.4f} with caching, "
          f"${savings.without_cache_usd:.4f} without ({savings.saved_share:.0%} saved)")
    assert savings.with_cache_usd == pytest.approx(float(str(summary["cost_usd"])), abs=1e-4)
    assert savings.saved_share > 0.2
    report = (tmp_path / "app" / "FACTORY_REPORT.md").read_text()
    assert f"Prompt caching: ${savings.with_cache_usd:.4f} with the cache" in report


def test_with_faults_injected_the_run_still_completes_and_matches_the_fake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_fake()
    fake.retry_after = "0"
    fake.script = ["429", "ok", "529", "invalid", "500", "ok", "reset", "truncate", "ok", "429",
                   "ok", "invalid"]
    code, summary = run_anthropic(fake, monkeypatch, capsys, tmp_path)

    assert code == 0, summary
    assert summary["status"] == "succeeded"
    rows = ledger(str(summary["run_id"]))
    assert len(fake.requests) == fake.tally.answers + 5  # the five faults nobody billed
    assert len(rows) == fake.tally.answers - 2 - 1  # repair turns share their ask's ledger row
    assert_ledger_matches_fake(rows, fake)
    assert fake.script == []


def test_a_budget_too_small_is_killed_before_codegen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_fake()
    code, summary = run_anthropic(fake, monkeypatch, capsys, tmp_path, "--budget", "0.01")

    assert code == 2, summary
    assert summary["status"] == "killed"
    assert "budget" in str(summary["outcome"])
    assert not any(body.get("stream") for body in fake.requests)  # no file was ever asked for
    assert_ledger_matches_fake(ledger(str(summary["run_id"])), fake)


def test_without_a_key_the_anthropic_engine_says_which_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["run", RECIPES, "--out", str(tmp_path / "app"), "--engine", "anthropic"])
    assert code == 3
    assert capsys.readouterr().err == (
        "factory: error: ANTHROPIC_API_KEY is not set: the anthropic engine needs it "
        "(or --engine offline)\n"
    )


def test_a_claude_cli_run_completes_with_the_stand_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    path = os.pathsep.join([str(FAKES), str(Path(sys.executable).parent), os.environ["PATH"]])
    monkeypatch.setenv("PATH", path)
    monkeypatch.setenv("CLAUDE_CODE_STANDIN_ANSWERS", "offline")
    monkeypatch.setenv("CLAUDE_CODE_STANDIN_PROSE", "1")  # every answer wrapped in prose
    for name in SECRETS:
        monkeypatch.setenv(name, "secret")
    (tmp_path / "data").mkdir()  # the run store's URL is a secret of the App's too
    monkeypatch.setenv("FACTORY_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/data/factory.db")
    log = tmp_path / "claude.log"
    monkeypatch.setenv("CLAUDE_CODE_STANDIN_LOG", str(log))
    # The critic's run tries a tool anyway, a file's run too, and a review takes three turns.
    script = tmp_path / "script"
    script.write_text("\n".join(["tools"] + ["ok"] * 8 + ["tools", "ok", "turns"]) + "\n")
    monkeypatch.setenv("CLAUDE_CODE_STANDIN_SCRIPT", str(script))
    code, summary = run_factory(capsys, tmp_path, HABITS, "claude-cli",
                                config=FAST_LIMITS + SMALL_APP)

    assert code == 0, summary
    assert summary["status"] == "succeeded"
    runs = [json.loads(line) for line in log.read_text().splitlines()]
    rows = ledger(str(summary["run_id"]))
    assert sum(r["mode"] in ("tools", "turns") for r in runs) == 3
    # A JSON answer's repair run shares its ledger row; a failed file attempt has its own.
    repairs = sum(r["mode"] in ("tools", "turns") and "--json-schema" in r["args"] for r in runs)
    assert len(rows) == len(runs) - repairs
    secrets = {*SECRETS, "FACTORY_DATABASE_URL", "FACTORY_DATA_DIR"}
    assert all(r["cwd_empty"] and not secrets & set(r["env"]) for r in runs)
    assert all(r["args"][r["args"].index("--tools") + 1] == "" for r in runs)
    assert summary["tokens"] == sum(r.usage.total_tokens for r in rows) > 0
