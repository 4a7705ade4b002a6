"""The `claude-cli` engine: asks answered by the Claude Code CLI in print mode, as in the brief.

Each call runs `claude -p --output-format json --model M`, locked down (cli_lockdown.py: no
tools, no MCP, no settings, one turn, an empty directory, a scrubbed environment), with the
role's system text as `--system-prompt` and the rest of the prompt on stdin: arguments as a
list and never a shell, so no text of an idea is ever interpreted by one. The CLI prints one
JSON result (`result`, `structured_output`, `usage`, `total_cost_usd`, `num_turns`,
`permission_denials`...), the Agent SDK's `SDKResultMessage`. JSON roles pass their schema
with `--json-schema` and read `structured_output`, falling back to JSON in the text, with one
repair call when it does not validate. A run that tried a tool or took more than one turn is a
failed attempt. A file cut off at max_tokens comes back as FileBody(truncated=True); a file
wrapped in prose and a fence is unwrapped.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from anthropic import transform_schema
from pydantic import BaseModel

from pipeline.asks import Ask, FileAsk, PlanReviewAsk
from pipeline.config import FactoryConfig
from pipeline.engines import cli_lockdown, structured
from pipeline.engines.base import Reply, Usage
from pipeline.engines.prompts import Prompt, fence, render
from pipeline.engines.retry import RetryPolicy, with_retries
from pipeline.errors import EngineError, InvalidAnswer, TransientEngineError

A = TypeVar("A", bound=BaseModel)

DEFAULT_TIMEOUT_S = 600.0
CLI_ATTEMPTS = 2
"""A timed-out or rate-limited CLI call is tried once more (the CLI retries API errors itself)."""
TRANSIENT_API_STATUSES = frozenset({429, 500, 502, 503, 504, 529})
NOT_ON_PATH = (
    "the Claude Code CLI {executable!r} is not on PATH: install it "
    "(npm install -g @anthropic-ai/claude-code) or choose another engine"
)
PREVIOUS_ANSWER = "Your previous answer was:"
STDERR_LINES = 3
TRIED_TOOLS = "the claude CLI tried to use tools ({tools}) instead of answering"
MANY_TURNS = "the claude CLI took {turns} turns instead of answering in one"


@dataclass(frozen=True)
class _Result:
    """What one CLI run answered and what it cost."""

    text: str
    truncated: bool
    usage: Usage
    structured: object = None
    """The CLI's `structured_output` (a JSON role's answer), when it gave one."""
    problem: str | None = None
    """Why the run cannot count as an answer (tools tried, several turns), or None."""


class ClaudeCliEngine:
    """Answers asks by running the `claude` CLI once per call."""

    name = "claude-cli"
    offline = False

    def __init__(
        self,
        config: FactoryConfig,
        *,
        executable: str = "claude",
        timeout_s: float = DEFAULT_TIMEOUT_S,
        retry: RetryPolicy | None = None,
    ) -> None:
        found = shutil.which(executable)
        if found is None:
            raise EngineError(NOT_ON_PATH.format(executable=executable))
        self._config = config
        self._executable = found
        self._timeout_s = timeout_s
        self._retry = retry or RetryPolicy(attempts=CLI_ATTEMPTS)

    async def ask(self, ask: Ask, answer_type: type[A]) -> Reply[A]:
        """Answer `ask`; the usage sums every CLI run it took, at the CLI's own cost figures."""
        started = time.monotonic()
        model = ask.reviewer.model if isinstance(ask, PlanReviewAsk) else getattr(
            self._config.models, ask.role.value)
        system, prompt = _split(render(ask))
        if isinstance(ask, FileAsk):
            result = await self._run(model, system, prompt, None)
            if result.problem is not None:
                raise InvalidAnswer(result.problem, usage=result.usage)
            body = {"content": structured.file_content(result.text, ask.spec.path),
                    "truncated": result.truncated}
            answer, usage = answer_type.model_validate(body), result.usage
        else:
            answer, usage = await self._answer_json(model, system, prompt, answer_type, ask)
        return Reply(answer, replace(usage, seconds=time.monotonic() - started))

    async def aclose(self) -> None:
        """Nothing stays open between calls: each CLI run ends before its ask returns."""

    async def _answer_json(
        self, model: str, system: str, prompt: str, answer_type: type[A], ask: Ask
    ) -> tuple[A, Usage]:
        prompt = f"{prompt}\n\n{structured.schema_instruction(answer_type)}"
        schema = transform_schema(answer_type)

        async def once(
            previous: _Result | None, error: structured.AnswerRejected | None
        ) -> tuple[_Result, Usage]:
            text = prompt
            if previous is not None and error is not None:
                text = (f"{prompt}\n\n{PREVIOUS_ANSWER}\n{fence('', previous.text)}\n\n"
                        f"{structured.repair_text(error)}")
            result = await self._run(model, system, text, schema)
            return result, result.usage

        def read(result: _Result) -> object:
            if result.problem is not None:
                raise structured.AnswerRejected(result.problem)
            if result.truncated:
                raise structured.AnswerRejected(structured.TRUNCATED)
            if isinstance(result.structured, dict):
                return result.structured
            return structured.parse_json(result.text)

        label = f"the {ask.role.value} answer from {model} (claude CLI)"
        return await structured.answer_with_repair(answer_type, once, read, label)

    async def _run(
        self, model: str, system: str, prompt: str, schema: dict[str, Any] | None
    ) -> _Result:
        args = cli_lockdown.arguments(model, system, schema)

        async def once() -> _Result:
            stdout = await self._exec(args, prompt)
            return self._result(model, stdout)

        return await with_retries(once, self._retry, what=f"claude -p --model {model}")

    async def _exec(self, args: list[str], prompt: str) -> bytes:
        # An empty directory of its own: no CLAUDE.md, settings or run store to read or touch.
        with tempfile.TemporaryDirectory(prefix="factory-claude-") as empty:
            return await self._exec_in(empty, args, prompt)

    async def _exec_in(self, cwd: str, args: list[str], prompt: str) -> bytes:
        process = await asyncio.create_subprocess_exec(
            self._executable, *args, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            cwd=cwd, env=cli_lockdown.environment(),
        )
        try:
            stdout, stderr = await asyncio.wait_for(
                process.communicate(prompt.encode()), self._timeout_s
            )
        except TimeoutError:
            process.kill()
            await process.wait()
            raise TransientEngineError(
                f"the claude CLI gave no answer within {self._timeout_s:g} s and was stopped"
            ) from None
        if process.returncode != 0:
            raise _failure(process.returncode, stdout, stderr)
        return stdout

    def _result(self, model: str, stdout: bytes) -> _Result:
        data = _decode(stdout)
        if data.get("is_error") or data.get("subtype") != "success":
            raise _reported_error(data)
        used = data.get("usage") or {}
        tokens = {
            "input_tokens": int(used.get("input_tokens", 0)),
            "output_tokens": int(used.get("output_tokens", 0)),
            "cache_write_tokens": int(used.get("cache_creation_input_tokens", 0)),
            "cache_read_tokens": int(used.get("cache_read_input_tokens", 0)),
        }
        cost = float(data.get("total_cost_usd", 0.0))
        return _Result(
            text=str(data.get("result", "")),
            truncated=data.get("stop_reason") == "max_tokens",
            usage=Usage(model=model, cost_usd=cost, **tokens),
            structured=data.get("structured_output"),
            problem=_problem(data),
        )


def _problem(data: dict[str, Any]) -> str | None:
    denied = data.get("permission_denials") or []
    if denied:
        tools = ", ".join(sorted({str(d.get("tool_name", "?")) for d in denied
                                  if isinstance(d, dict)})) or "?"
        return TRIED_TOOLS.format(tools=tools)
    turns = data.get("num_turns", 1)
    if isinstance(turns, int) and turns > 1:
        return MANY_TURNS.format(turns=turns)
    return None


def _split(prompt: Prompt) -> tuple[str, str]:
    """The system prompt and the stdin text; context moves to stdin when too long for an arg."""
    system = "\n\n".join(b.text for b in prompt.system)
    user = "\n\n".join(b.text for b in prompt.user)
    if len(system) <= cli_lockdown.MAX_SYSTEM_ARG_CHARS:
        return system, user
    rules = "\n\n".join(b.text for b in prompt.system if not b.cached)
    context = "\n\n".join(b.text for b in prompt.system if b.cached)
    return rules, f"{context}\n\n{user}"


def _decode(stdout: bytes) -> dict[str, Any]:
    text = stdout.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise EngineError(
            f"the claude CLI printed {len(text)} characters that are not its JSON result "
            "(cut off?); run it by hand with --output-format json to see why"
        ) from None
    if not isinstance(data, dict) or data.get("type") != "result":
        raise EngineError("the claude CLI printed JSON that is not a result message")
    return data


def _reported_error(data: dict[str, Any]) -> EngineError:
    detail = "; ".join(str(e) for e in data.get("errors") or []) or str(data.get("result", ""))
    message = f"the claude CLI reported {data.get('subtype', 'an error')}: {detail}".rstrip(": ")
    if data.get("api_error_status") in TRANSIENT_API_STATUSES:
        return TransientEngineError(message)
    return EngineError(message)


def _failure(code: int | None, stdout: bytes, stderr: bytes) -> EngineError:
    try:
        return _reported_error(_decode(stdout))
    except EngineError:
        pass
    lines = stderr.decode("utf-8", errors="replace").strip().splitlines()[-STDERR_LINES:]
    said = " / ".join(lines) or "nothing on stderr"
    return EngineError(f"the claude CLI exited with status {code}: {said}")
