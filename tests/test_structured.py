"""Raw model answers become typed answers, or a rejection that a repair turn can quote."""

from __future__ import annotations

import pytest

from pipeline.answers import FileReview, PlanReview
from pipeline.engines.base import Usage
from pipeline.engines.structured import (
    AnswerRejected,
    answer_tool,
    answer_with_repair,
    parse_text,
    repair_text,
    schema_instruction,
    strip_fence,
    validate,
)
from pipeline.errors import InvalidAnswer


def test_the_answer_tool_carries_the_answer_schema() -> None:
    tool = answer_tool(PlanReview)
    assert tool["name"] == "answer"
    assert tool["input_schema"]["type"] == "object"
    assert tool["input_schema"]["required"] == ["approve"]


def test_validation_errors_name_each_field() -> None:
    with pytest.raises(AnswerRejected) as caught:
        validate(FileReview, {"approve": "perhaps", "extra": 1})
    assert str(caught.value) == (
        "approve: Input should be a valid boolean, unable to interpret input; "
        "extra: Extra inputs are not permitted"
    )
    assert "approve: Input should be a valid boolean" in repair_text(caught.value)


@pytest.mark.parametrize("text", [
    '{"approve": true, "feedback": "ok"}',
    '```json\n{"approve": true, "feedback": "ok"}\n```',
    'Here you go:\n{"approve": true, "feedback": "ok"}\nHope that helps.',
])
def test_json_is_found_bare_fenced_or_in_prose(text: str) -> None:
    assert parse_text(FileReview, text) == FileReview(approve=True, feedback="ok")


@pytest.mark.parametrize(("text", "why"), [
    ("no braces at all", "holds no JSON object"),
    ('{"approve": true,', "holds no JSON object"),
    ('{"approve": tru}', "not valid JSON"),
])
def test_text_without_valid_json_is_rejected(text: str, why: str) -> None:
    with pytest.raises(AnswerRejected, match=why):
        parse_text(FileReview, text)


def test_the_schema_instruction_embeds_the_schema() -> None:
    assert '"approve"' in schema_instruction(FileReview)


@pytest.mark.parametrize(("raw", "content"), [
    ("```dart\nvoid main() {}\n```", "void main() {}\n"),
    ("````\nuses ``` inside\n````\n", "uses ``` inside\n"),
    ("void main() {}", "void main() {}\n"),
    ("", ""),
])
def test_file_fences_are_stripped(raw: str, content: str) -> None:
    assert strip_fence(raw) == content


async def test_repair_is_asked_once_with_the_error_and_usage_sums() -> None:
    seen: list[str | None] = []

    async def call(previous: object, error: AnswerRejected | None) -> tuple[object, Usage]:
        seen.append(None if error is None else str(error))
        answer = {"approve": True} if previous is not None else {"approve": "?"}
        return answer, Usage(model="m", input_tokens=10, output_tokens=2)

    answer, usage = await answer_with_repair(PlanReview, call, lambda r: r, "the review")
    assert answer == PlanReview(approve=True)
    assert seen[0] is None and "approve" in str(seen[1])
    assert (usage.input_tokens, usage.output_tokens) == (20, 4)


async def test_a_second_invalid_answer_raises() -> None:
    calls = 0

    async def call(previous: object, error: AnswerRejected | None) -> tuple[object, Usage]:
        nonlocal calls
        calls += 1
        return {}, Usage(model="m")

    with pytest.raises(InvalidAnswer, match="the review was still invalid after a") as e:
        await answer_with_repair(PlanReview, call, lambda r: r, "the review")
    assert calls == 2
    assert e.value.usage == Usage(model="m")
