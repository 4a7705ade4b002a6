"""The claude-cli engine driving the stand-in `claude` executable of tests/fakes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.answers import CriticReport, FileBody, PlanReview
from pipeline.asks import CriticAsk, FileAsk, PlanReviewAsk
from pipeline.config import FactoryConfig
from pipeline.engines.claude_cli import ClaudeCliEngine
from pipeline.engines.retry import RetryPolicy
from pipeline.errors import EngineError, InvalidAnswer, TransientEngineError
from tests.fakes.canned_answers import file_content, small_plan

FAKES = Path(__file__).parent / "fakes"
CONFIG = FactoryConfig()
IDEA = "A habit tracker; `rm -rf ~` $(reboot) \"quoted\""
SECRETS = {"GITHUB_PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----", "GITHUB_WEBHOOK_SECRET": "s",
           "FACTORY_DATABASE_URL": "postgresql+asyncpg://secret@db/factory"}
HANG_TIMEOUT_S = 5.0
"""Long enough for the stand-in to start (it takes its mode before any heavy import) on a
loaded machine; the hang itself lasts an hour."""


class Standin:
    """Controls the stand-in through its script and reads its log."""

    def __init__(self, tmp_path: Path) -> None:
        self.script = tmp_path / "script"
        self.log = tmp_path / "log"

    def plan(self, *modes: str) -> None:
        self.script.write_text("".join(f"{m}\n" for m in modes))

    def runs(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Standin:
    control = Standin(tmp_path)
    # The stand-in runs on this interpreter, found first on PATH as `python3`.
    path = os.pathsep.join([str(FAKES), str(Path(sys.executable).parent), os.environ["PATH"]])
    monkeypatch.setenv("PATH", path)
    monkeypatch.setenv("CLAUDE_CODE_STANDIN_SCRIPT", str(control.script))
    monkeypatch.setenv("CLAUDE_CODE_STANDIN_LOG", str(control.log))
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # the server's own directory, with a run store in it
    (tmp_path / "CLAUDE.md").write_text("Always write files with your Write tool.")
    return control


def make_engine(timeout_s: float = 30.0, attempts: int = 2) -> ClaudeCliEngine:
    async def no_wait(seconds: float) -> None:
        return None

    retry = RetryPolicy(attempts=attempts, base_s=0.0, sleep=no_wait)
    return ClaudeCliEngine(CONFIG, timeout_s=timeout_s, retry=retry)


async def test_a_json_answer_with_the_clis_usage_and_cost(standin: Standin) -> None:
    reply = await make_engine().ask(CriticAsk(idea=IDEA), CriticReport)

    assert reply.answer.score == 8.0
    [run] = standin.runs()
    args = run["args"]
    assert args[:5] == ["-p", "--output-format", "json", "--model", CONFIG.models.critic]
    assert args[args.index("--tools") + 1] == "" and "--strict-mcp-config" in args
    assert args[args.index("--setting-sources") + 1] == ""
    assert args[args.index("--max-turns") + 1] == "1" and "--no-session-persistence" in args
    assert run["system"].startswith("You are the Critic") and "You are" not in run["prompt"]
    assert json.loads(args[args.index("--json-schema") + 1])["required"] == [
        "criteria", "compliance", "summary"]
    assert json.dumps(IDEA)[1:-1] in run["prompt"]
    assert reply.usage.model == CONFIG.models.critic
    assert reply.usage.input_tokens == -(-len(run["system"] + run["prompt"]) // 4)
    assert reply.usage.cost_usd == pytest.approx(
        (reply.usage.input_tokens * 3 + reply.usage.output_tokens * 15) / 1e6
    )


async def test_a_file_is_plain_text(standin: Standin) -> None:
    plan = small_plan()
    ask = FileAsk(idea=IDEA, plan=plan, spec=plan.files[1],
                  dependencies={"lib/main.dart": file_content("lib/main.dart")})
    reply = await make_engine().ask(ask, FileBody)

    assert reply.answer == FileBody(content=file_content("lib/part_1.dart"))
    assert "It must match this JSON schema" not in standin.runs()[0]["prompt"]


async def test_a_panel_reviewer_runs_on_its_own_model(standin: Standin) -> None:
    reviewer = CONFIG.panel[2]
    ask = PlanReviewAsk(idea=IDEA, plan=small_plan(), reviewer=reviewer)
    reply = await make_engine().ask(ask, PlanReview)

    assert reply.answer.approve
    args = standin.runs()[0]["args"]
    assert args[args.index("--model") + 1] == reviewer.model


async def test_a_file_cut_off_at_max_tokens_is_marked_truncated(standin: Standin) -> None:
    standin.plan("max_tokens")
    plan = small_plan()
    reply = await make_engine().ask(FileAsk(idea=IDEA, plan=plan, spec=plan.files[0]), FileBody)
    assert reply.answer.truncated is True


async def test_an_invalid_answer_gets_one_repair_run(standin: Standin) -> None:
    standin.plan("invalid", "ok")
    reply = await make_engine().ask(CriticAsk(idea=IDEA), CriticReport)

    assert reply.answer.score == 8.0
    first, repair = standin.runs()
    assert "I would rather describe it in words." in repair["prompt"]
    assert "the answer holds no JSON object" in repair["prompt"]
    assert reply.usage.input_tokens == sum(-(-len(r["system"] + r["prompt"]) // 4)
                                           for r in (first, repair))


async def test_still_invalid_after_the_repair_raises_invalid_answer(standin: Standin) -> None:
    standin.plan("invalid", "invalid")
    with pytest.raises(InvalidAnswer, match="still invalid after a repair turn"):
        await make_engine().ask(CriticAsk(idea=IDEA), CriticReport)
    assert len(standin.runs()) == 2


async def test_a_non_zero_exit_is_one_clear_line(standin: Standin) -> None:
    standin.plan("fail")
    with pytest.raises(EngineError) as caught:
        await make_engine().ask(CriticAsk(idea=IDEA), CriticReport)
    assert str(caught.value) == (
        "the claude CLI exited with status 1: Error: Invalid API key · Please run /login"
    )
    assert not isinstance(caught.value, TransientEngineError)
    assert len(standin.runs()) == 1


async def test_an_error_result_is_reported(standin: Standin) -> None:
    standin.plan("error")
    with pytest.raises(EngineError, match="reported error_during_execution: the model refused"):
        await make_engine().ask(CriticAsk(idea=IDEA), CriticReport)


async def test_an_overloaded_api_is_retried(standin: Standin) -> None:
    standin.plan("overloaded", "ok")
    reply = await make_engine().ask(CriticAsk(idea=IDEA), CriticReport)
    assert reply.answer.score == 8.0
    assert len(standin.runs()) == 2


async def test_a_hang_is_killed_at_the_timeout_and_the_next_run_recovers(
    standin: Standin,
) -> None:
    standin.plan("hang", "ok")
    reply = await make_engine(timeout_s=HANG_TIMEOUT_S).ask(CriticAsk(idea=IDEA), CriticReport)
    assert reply.answer.score == 8.0
    assert [r["mode"] for r in standin.runs()] == ["hang", "ok"]


async def test_two_hangs_are_a_transient_error(standin: Standin) -> None:
    standin.plan("hang", "hang")
    with pytest.raises(TransientEngineError, match=rf"no answer within {HANG_TIMEOUT_S:.0f} s"):
        await make_engine(timeout_s=HANG_TIMEOUT_S).ask(CriticAsk(idea=IDEA), CriticReport)
    assert [r["mode"] for r in standin.runs()] == ["hang", "hang"]


async def test_truncated_json_output_is_a_clear_error(standin: Standin) -> None:
    standin.plan("truncate")
    with pytest.raises(EngineError, match="not its JSON result"):
        await make_engine().ask(CriticAsk(idea=IDEA), CriticReport)


def test_not_on_path_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineError, match="'claude' is not on PATH"):
        ClaudeCliEngine(CONFIG)


async def test_it_runs_in_an_empty_directory_without_the_apps_secrets(standin: Standin) -> None:
    await make_engine().ask(CriticAsk(idea=IDEA), CriticReport)
    [run] = standin.runs()
    assert run["cwd_empty"] is True and run["cwd"] != os.getcwd()
    assert not set(SECRETS) & set(run["env"])
    assert "PATH" in run["env"] and "CLAUDE_CODE_STANDIN_LOG" in run["env"]


async def test_a_file_attempt_that_tried_a_tool_fails_as_an_answer(standin: Standin) -> None:
    standin.plan("tools")
    plan = small_plan()
    with pytest.raises(InvalidAnswer, match=r"tried to use tools \(Write\)") as caught:
        await make_engine().ask(FileAsk(idea=IDEA, plan=plan, spec=plan.files[0]), FileBody)
    assert caught.value.usage is not None and caught.value.usage.input_tokens > 0


@pytest.mark.parametrize("mode", ["tools", "turns"])
async def test_a_json_run_with_tools_or_turns_gets_the_repair_run(
    standin: Standin, mode: str,
) -> None:
    standin.plan(mode, "ok")
    reply = await make_engine().ask(CriticAsk(idea=IDEA), CriticReport)
    assert reply.answer.score == 8.0
    _first, repair = standin.runs()
    assert ("tried to use tools" if mode == "tools" else "took 3 turns") in repair["prompt"]


async def test_answers_wrapped_in_prose_are_unwrapped(
    standin: Standin, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLAUDE_CODE_STANDIN_PROSE", "1")
    plan = small_plan()
    engine = make_engine()
    body = await engine.ask(FileAsk(idea=IDEA, plan=plan, spec=plan.files[0]), FileBody)
    review = await engine.ask(PlanReviewAsk(idea=IDEA, plan=plan, reviewer=CONFIG.panel[0]),
                              PlanReview)
    assert body.answer.content == file_content("lib/main.dart")
    assert review.answer.approve
