"""The offline engine: answers every ask by rules and templates, deterministic, no network."""

from __future__ import annotations

from pydantic import BaseModel

from pipeline.answers import FileBody
from pipeline.asks import (
    Ask,
    CriticAsk,
    FileAsk,
    FileReviewAsk,
    JudgeAsk,
    PlanAsk,
    PlanReviewAsk,
)
from pipeline.config import FactoryConfig
from pipeline.engines.base import A, Reply, Usage
from pipeline.engines.offline.critic import criticize
from pipeline.engines.offline.faults import fault_for, inject
from pipeline.engines.offline.file_review import review_file
from pipeline.engines.offline.judge import judge
from pipeline.engines.offline.planner import plan_app
from pipeline.engines.offline.reviewers import review_plan
from pipeline.engines.offline.writer import write_file
from pipeline.errors import EngineError
from pipeline.offload import off_loop

MODEL = "offline"
CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """Tokens a model would have spent on `text`, by the usual four characters per token."""
    return max(1, round(len(text) / CHARS_PER_TOKEN))


class OfflineEngine:
    """Computes each role's answer from the idea and templates; says plainly it is offline."""

    name = "offline"
    offline = True

    def __init__(self, config: FactoryConfig) -> None:
        self.config = config

    async def ask(self, ask: Ask, answer_type: type[A]) -> Reply[A]:
        """Answer `ask` with `answer_type`; usage counts the tokens a model would have used."""
        answer = await off_loop(self.answer, ask)  # rules, templates and checks: CPU only
        if not isinstance(answer, answer_type):
            raise EngineError(
                f"{type(ask).__name__} is answered with {type(answer).__name__}, "
                f"not {answer_type.__name__}"
            )
        usage = Usage(
            model=MODEL,
            input_tokens=estimate_tokens(ask.model_dump_json()),
            output_tokens=estimate_tokens(answer.model_dump_json()),
        )
        return Reply(answer=answer, usage=usage)

    def answer(self, ask: Ask) -> BaseModel:
        """The answer to one ask, dispatched on its type."""
        if isinstance(ask, CriticAsk):
            return criticize(ask.idea)
        if isinstance(ask, PlanAsk):
            return plan_app(ask)
        if isinstance(ask, PlanReviewAsk):
            return review_plan(ask)
        if isinstance(ask, FileAsk):
            return self._write(ask)
        if isinstance(ask, FileReviewAsk):
            return review_file(ask)
        if isinstance(ask, JudgeAsk):
            return judge(ask)
        raise EngineError(f"the offline engine cannot answer {type(ask).__name__}")

    def _write(self, ask: FileAsk) -> FileBody:
        content = write_file(ask.plan, ask.spec, ask.note)
        fault = fault_for(self.config.seed, ask.spec.path, self.config.fault_rate, ask.attempt)
        if fault is not None:
            content = inject(content, fault, ask.spec.exports)
        return FileBody(content=content)

    async def aclose(self) -> None:
        """Nothing to release: no connections, no subprocesses."""
