"""The `claude-cli` engine: asks answered by the Claude Code CLI in print mode, as in the brief.

Each call runs `claude -p --output-format json --model M` with the prompt on stdin: arguments
as a list and never a shell, so no text of an idea is ever interpreted by one. The CLI prints one
JSON result (`result`, `usage`, `total_cost_usd`, ...), documented by the Agent SDK's
`SDKResultMessage`. JSON roles get the schema in the prompt and one repair call when the answer
does not validate. A file cut off at max_tokens comes back as FileBody(truncated=True).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from pydantic import BaseModel

from pipeline.asks import Ask, FileAsk, PlanReviewAsk
from pipeline.config import FactoryConfig
from pipeline.engines import structured
from pipeline.engines.base import Reply, Usage
from pipeline.engines.prompts import fence, render
from pipeline.engines.retry import RetryPolicy, with_retries
from pipeline.errors import EngineError, TransientEngineError

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


@dataclass(frozen=True)
class _Result:
    """What one CLI run answered and what it cost."""

    text: str
    truncated: bool
    usage: Usage


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
        prompt = render(ask).text()
        if isinstance(ask, FileAsk):
            result = await self._run(model, prompt)
            body = {"content": structured.file_content(result.text, ask.spec.path),
                    "truncated": result.truncated}
            answer, usage = answer_type.model_validate(body), result.usage
        else:
            answer, usage = await self._answer_json(model, prompt, answer_type, ask)
        return Reply(answer, replace(usage, seconds=time.monotonic() - started))

    async def aclose(self) -> None:
        """Nothing stays open between calls: each CLI run ends before its ask returns."""

    async def _answer_json(
        self, model: str, prompt: str, answer_type: type[A], ask: Ask
    ) -> tuple[A, Usage]:
        prompt = f"{prompt}\n\n{structured.schema_instruction(answer_type)}"

        async def once(
            previous: _Result | None, error: structured.AnswerRejected | None
        ) -> tuple[_Result, Usage]:
            text = prompt
            if previous is not None and error is not None:
                text = (f"{prompt}\n\n{PREVIOUS_ANSWER}\n{fence('', previous.text)}\n\n"
                        f"{structured.repair_text(error)}")
            result = await self._run(model, text)
            return result, result.usage

        def read(result: _Result) -> object:
            if result.truncated:
                raise structured.AnswerRejected(structured.TRUNCATED)
            return structured.parse_json(result.text)

        label = f"the {ask.role.value} answer from {model} (claude CLI)"
        return await structured.answer_with_repair(answer_type, once, read, label)

    async def _run(self, model: str, prompt: str) -> _Result:
        args = ["-p", "--output-format", "json", "--model", model]

        async def once() -> _Result:
            stdout = await self._exec(args, prompt)
            return self._result(model, stdout)

        return await with_retries(once, self._retry, what=f"claude -p --model {model}")

    async def _exec(self, args: list[str], prompt: str) -> bytes:
        process = await asyncio.create_subprocess_exec(
            self._executable, *args, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
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
        )


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
