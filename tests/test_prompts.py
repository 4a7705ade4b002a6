"""Prompt templates render every ask readably, place cache breakpoints, and keep every field."""

from __future__ import annotations

import pytest

from pipeline.asks import (
    Ask,
    CheckpointQuestion,
    CriticAsk,
    FileAsk,
    FileReviewAsk,
    JudgeAsk,
    PlanAsk,
    PlanReviewAsk,
    Role,
)
from pipeline.config import FactoryConfig
from pipeline.engines.prompts import TEMPLATE_DIR, fence, render
from tests.fakes.canned_answers import file_content, small_plan
from tests.fakes.prompt_asks import ask_from_text

PLAN = small_plan(3)
TRICKY = "weird ```` fences and $dollars ${braces} in \"quotes\"\n"
ASKS: list[Ask] = [
    CriticAsk(idea=TRICKY),
    PlanAsk(idea="x", min_files=3, max_files=9, previous=PLAN, feedback=["add tests"]),
    PlanReviewAsk(idea="x", plan=PLAN, reviewer=FactoryConfig().panel[3], problems=["cycle"]),
    FileAsk(idea="x", plan=PLAN, spec=PLAN.files[2], attempt=2, previous=TRICKY,
            feedback="shorter", note="use a const",
            dependencies={"lib/part_1.dart": file_content("lib/part_1.dart") + TRICKY}),
    FileAsk(idea="x", plan=PLAN, spec=PLAN.files[0]),
    FileReviewAsk(idea="x", plan=PLAN, spec=PLAN.files[1], content=TRICKY, findings=["unused"]),
    JudgeAsk(idea="x", plan=PLAN, files={"lib/main.dart": TRICKY},
             checkpoints=[CheckpointQuestion(id="c1", question="Is it nice?")]),
]


def test_every_role_has_a_versioned_template() -> None:
    for role in Role:
        text = (TEMPLATE_DIR / f"{role.value}.md").read_text()
        assert text.startswith(f"<!-- prompt: {role.value} · version ")


@pytest.mark.parametrize("ask", ASKS, ids=lambda a: type(a).__name__)
def test_the_ask_can_be_read_back_from_its_prompt(ask: Ask) -> None:
    assert ask_from_text(render(ask).text()) == ask


def test_a_file_prompt_caches_conventions_and_plan_once() -> None:
    prompt = render(ASKS[3])
    assert [b.cached for b in prompt.system] == [False, True]
    assert "Conventions every file of the project follows" in prompt.system[1].text
    assert "`go_router` ^14.2.0" in prompt.system[1].text
    assert '"app_name": "tiny_app"' in prompt.system[1].text
    assert [b.cached for b in prompt.user] == [False, False]  # one breakpoint per prefix
    assert "````ask-file dependencies lib/part_1.dart" in prompt.user[0].text
    assert '"feedback": "shorter"' in prompt.user[1].text


def test_the_shared_context_is_identical_for_every_file() -> None:
    contexts = {render(FileAsk(idea="x", plan=PLAN, spec=s)).system for s in PLAN.files}
    assert len(contexts) == 1


def test_a_file_without_dependencies_has_no_dependencies_block() -> None:
    prompt = render(ASKS[4])
    assert [b.cached for b in prompt.user] == [False]
    assert "ask-text previous" not in prompt.text()


def test_json_roles_put_everything_in_the_first_user_turn() -> None:
    prompt = render(ASKS[0])
    assert [b.cached for b in prompt.system] == [False]
    assert "You are the Critic" in prompt.system[0].text
    assert "```ask CriticAsk" in prompt.user[0].text


def test_a_fence_is_longer_than_any_backticks_inside() -> None:
    assert fence("x", "a ````` b").startswith("``````x\n")
    assert fence("x", "plain") == "```x\nplain\n```"
