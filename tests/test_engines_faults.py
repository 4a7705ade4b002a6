"""Whole `factory run --engine anthropic` runs against the Messages API fake, one fault each.

Each run must complete, commit no partial file (every committed file is the whole answer the
fake gave for it) and leave a ledger equal to what the fake billed.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from factory.cli import main
from pipeline.answers import Plan
from pipeline.config import Settings
from pipeline.conventions import pubspec
from pipeline.store import open_store
from pipeline.store.base import LedgerRow
from tests.fakes.anthropic_api import API_KEY, FakeAnthropic
from tests.fakes.threaded import served_in_thread
from tests.test_engines_e2e import (
    FAST_LIMITS,
    RECIPES,
    assert_ledger_matches_fake,
    clean_env,
    ledger,
    new_fake,
    run_factory,
)

# Faults for the first streamed requests (file bodies), then for any request.
FILE_FAULTS = ["drop", "early-end", "pause", "refusal", "context", "truncate"]
ANY_FAULTS = ["429", "529", "500", "520", "reset", "invalid"]
ADAPTIVE_PANEL = (
    "panel:\n"
    "  - {name: architect, model: claude-sonnet-4-6, focus: layering}\n"
    "  - {name: product, model: claude-opus-4-7, focus: features, temperature: 0.7}\n"
    "  - {name: tester, model: claude-haiku-4-5, focus: tests}\n"
    "  - {name: skeptic, model: claude-opus-4-7, focus: links, temperature: 0.3}\n"
    "models: {planner: claude-opus-4-7, judge: claude-opus-4-7}\n"
)


def committed(app: Path) -> dict[str, str]:
    """Every file of the app's last commit."""
    names = subprocess.run(["git", "-C", str(app), "ls-files"], capture_output=True, text=True,
                           check=True).stdout.split()
    return {name: (app / name).read_text() for name in names}


def assert_nothing_partial(app: Path, fake: FakeAnthropic) -> None:
    files = committed(app)
    generated = {p: t for p, t in files.items() if p in fake.files}
    assert len(generated) >= 17
    for path, text in generated.items():
        assert text == fake.files[path], f"{path} was committed partial"


Outcome = tuple[int, dict[str, object], list[LedgerRow]]
__all__ = ["clean_env"]  # the autouse fixture: a data directory of each test's own


def run(fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path, config: str = FAST_LIMITS) -> Outcome:
    fake.retry_after = "0"
    with served_in_thread(fake) as url:
        monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
        code, summary = run_factory(capsys, tmp_path, RECIPES, "anthropic", config=config)
    return code, summary, ledger(str(summary["run_id"]))


SCRIPTS = [([], [f, "ok", f]) for f in FILE_FAULTS] + [
    # The critic's call, then a planning call, and a file's but for "invalid": prose for a
    # README is a content problem for its reviewer, not a partial file.
    ([f, "ok", "ok", f], [f] if f != "invalid" else []) for f in ANY_FAULTS
]


@pytest.mark.parametrize(("script", "stream_script"), SCRIPTS,
                         ids=[f"{a[:1]}{b[:1]}" for a, b in SCRIPTS])
def test_a_fault_in_a_whole_run(
    script: list[str], stream_script: list[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_fake()
    fake.script, fake.stream_script = list(script), list(stream_script)
    code, summary, rows = run(fake, monkeypatch, capsys, tmp_path)

    assert code == 0, summary
    assert summary["status"] == "succeeded"
    assert fake.script == [] and fake.stream_script == []
    assert fake.rejected == []
    assert_nothing_partial(tmp_path / "app", fake)
    assert_ledger_matches_fake(rows, fake)


def test_models_that_refuse_temperature_and_think_by_default_run_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_fake()
    code, summary, rows = run(fake, monkeypatch, capsys, tmp_path,
                              config=FAST_LIMITS + ADAPTIVE_PANEL)

    assert code == 0, summary
    assert fake.rejected == []
    adaptive = [b for b in fake.requests if b["model"] == "claude-opus-4-7"]
    assert adaptive and not any("temperature" in b for b in adaptive)
    assert any(b.get("temperature") == 0.0 for b in fake.requests)  # the others keep theirs
    assert_ledger_matches_fake(rows, fake)


def test_a_critic_refusal_kills_the_run_instead_of_crashing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_fake()
    fake.script = ["refusal"]
    code, summary, rows = run(fake, monkeypatch, capsys, tmp_path)

    assert code == 2, summary
    assert "compliance_risk" in str(summary["outcome"])
    assert "refused to answer" in str(summary["outcome"])
    assert_ledger_matches_fake(rows, fake)


def test_an_unpriced_model_is_refused_before_any_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_fake()
    config = tmp_path / "factory.yml"
    config.write_text(FAST_LIMITS + "models: {judge: claude-opus-4-8}\n")
    with served_in_thread(fake) as url:
        monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
        code = main(["run", RECIPES, "--out", str(tmp_path / "app"), "--engine", "anthropic",
                     "--config", str(config)])
    assert code == 3
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("factory: error: no price for model 'claude-opus-4-8': add it under")
    assert fake.requests == []


def test_a_user_price_extends_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_fake()
    priced = ("models: {judge: claude-opus-4-8}\n"
              "prices: {claude-opus-4-8: {input: 5, output: 25, cache_write: 6.25, "
              "cache_read: 0.5}}\n")
    code, summary, rows = run(fake, monkeypatch, capsys, tmp_path, config=FAST_LIMITS + priced)

    assert code == 0, summary
    judge = [r for r in rows if r.stage == "judge"]
    assert [r.usage.model for r in judge] == ["claude-opus-4-8"]
    assert judge[0].usage.cost_usd > 0
    assert_ledger_matches_fake(rows, fake)


def test_the_pubspec_is_derived_from_the_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake = new_fake()
    code, summary, _ = run(fake, monkeypatch, capsys, tmp_path)
    assert code == 0, summary
    text = (tmp_path / "app" / "pubspec.yaml").read_text()
    assert "go_router: ^14.2.0" in text and "provider: ^6.1.2" in text
    assert "pubspec.yaml" not in fake.files  # no model was asked to write it
    assert text == pubspec(_plan(str(summary["run_id"])))


def _plan(run_id: str) -> Plan:
    async def read() -> Plan:
        store = await open_store(Settings().database())
        try:
            saved = await store.load_checkpoint(run_id, "plan")
            assert saved is not None
            return Plan.model_validate(saved["plan"])
        finally:
            await store.close()

    return asyncio.run(read())
