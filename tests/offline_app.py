"""Test helper: a whole app from the offline engine, without the orchestrator."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import tree_sitter
import tree_sitter_dart

from pipeline.answers import FileBody, FileReview, Plan
from pipeline.asks import FileAsk, FileReviewAsk, PlanAsk
from pipeline.config import FactoryConfig
from pipeline.dag import Dag
from pipeline.engines.offline import OfflineEngine
from pipeline.engines.offline.writer import write_file

RECIPES = (
    "A recipe box app with shopping lists and meal plans: save recipes with ingredients, "
    "plan meals for the week, and generate a shopping list"
)
BEES = "A beekeeping app to track hives, inspections and honey harvests"
EXPENSES = "Expense tracker: log expenses by category, set monthly budgets and search them"


@cache
def dart_parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_dart.language()))


def syntax_ok(content: str) -> bool:
    """True when tree-sitter-dart parses `content` without ERROR or MISSING nodes."""
    return not dart_parser().parse(content.encode()).root_node.has_error


@dataclass
class GeneratedApp:
    plan: Plan
    files: dict[str, str] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


def make_plan(idea: str, config: FactoryConfig | None = None) -> Plan:
    """The offline plan of `idea` under `config`'s file range."""
    config = config or FactoryConfig()
    engine = OfflineEngine(config)
    answer = engine.answer(PlanAsk(idea=idea, min_files=config.min_files,
                                   max_files=config.max_files))
    assert isinstance(answer, Plan)
    return answer


def write_app(idea: str, config: FactoryConfig | None = None) -> GeneratedApp:
    """Plan `idea` and write every file once, with no reviews (fast, for read-only checks)."""
    plan = make_plan(idea, config)
    files = {spec.path: write_file(plan, spec) for spec in plan.files}
    return GeneratedApp(plan, files, dict.fromkeys(files, 1))


async def generate_app(idea: str, config: FactoryConfig | None = None) -> GeneratedApp:
    """Plan `idea`, then write every file in DAG order, retrying rejected attempts."""
    config = config or FactoryConfig()
    engine = OfflineEngine(config)
    app = GeneratedApp(make_plan(idea, config))
    dag = Dag({f.path: f.depends_on for f in app.plan.files})
    for level in dag.by_level():
        for path in level:
            spec = app.plan.spec(path)
            feedback: str | None = None
            for attempt in range(1, config.retries_per_file + 2):
                ask = FileAsk(idea=idea, plan=app.plan, spec=spec, attempt=attempt,
                              dependencies={d: app.files[d] for d in spec.depends_on},
                              feedback=feedback)
                body = (await engine.ask(ask, FileBody)).answer.content
                review_ask = FileReviewAsk(idea=idea, plan=app.plan, spec=spec, content=body)
                review = (await engine.ask(review_ask, FileReview)).answer
                app.attempts[path] = attempt
                if review.approve:
                    app.files[path] = body
                    break
                feedback = review.feedback
            else:
                app.failed.append(path)
                app.files[path] = body
    return app
