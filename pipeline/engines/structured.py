"""Turns a model's raw answer into the ask's pydantic answer type, or says precisely why not."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.config import format_validation_errors
from pipeline.engines.base import Usage
from pipeline.errors import InvalidAnswer

A = TypeVar("A", bound=BaseModel)
R = TypeVar("R")

TOOL_NAME = "answer"
TOOL_DESCRIPTION = "Give your answer. Call this exactly once; its input is the whole answer."
REPAIR_TEMPLATE = (
    "Your answer was rejected: {error}\n"
    "Answer again with the same content, corrected so that it matches the schema exactly."
)
TRUNCATED = "the answer was cut off at max_tokens; give the same answer more briefly"
SCHEMA_INSTRUCTION = (
    "Reply with one JSON object and nothing else (no prose, no code fence). "
    "It must match this JSON schema:\n{schema}"
)
_FENCE = re.compile(r"^\s*(`{3,})[^\n]*\n(?P<body>.*)\n\1\s*$", re.DOTALL)
_INNER_FENCE = re.compile(r"^(`{3,})[\w+.-]*[ \t]*\n(?P<body>.*?)\n\1[ \t]*$",
                          re.MULTILINE | re.DOTALL)
PROSE_LINES = 3
"""At most this many lines of prose before or after a fenced file are taken for wrapping."""


class AnswerRejected(ValueError):
    """A raw answer that is not the expected type; the message is what a repair turn quotes."""


def answer_schema(answer_type: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema a model's answer must match."""
    return answer_type.model_json_schema()


def answer_tool(answer_type: type[BaseModel]) -> dict[str, Any]:
    """The tool definition whose input is the answer (forced with `tool_choice`)."""
    return {
        "name": TOOL_NAME,
        "description": TOOL_DESCRIPTION,
        "input_schema": answer_schema(answer_type),
    }


def schema_instruction(answer_type: type[BaseModel]) -> str:
    """Prompt text asking for bare JSON matching the answer's schema (for engines without tools)."""
    return SCHEMA_INSTRUCTION.format(schema=json.dumps(answer_schema(answer_type)))


def repair_text(error: AnswerRejected) -> str:
    """The user turn that quotes the validation error and asks for a corrected answer."""
    return REPAIR_TEMPLATE.format(error=error)


async def answer_with_repair(
    answer_type: type[A],
    call: Callable[[R | None, AnswerRejected | None], Awaitable[tuple[R, Usage]]],
    read: Callable[[R], object],
    label: str,
) -> tuple[A, Usage]:
    """Ask once; when the answer does not validate, ask once more quoting why, then give up.

    `call(previous, error)` makes one model call (the repair when `previous` is given) and
    `read` takes the raw answer out of its reply. The usage sums both calls.
    """
    reply, usage = await call(None, None)
    try:
        return validate(answer_type, read(reply)), usage
    except AnswerRejected as error:
        reply, more = await call(reply, error)
    usage = usage + more
    try:
        return validate(answer_type, read(reply)), usage
    except AnswerRejected as error:
        raise InvalidAnswer(
            f"{label} was still invalid after a repair turn: {error}", usage=usage
        ) from None


def validate(answer_type: type[A], data: object) -> A:
    """Validate decoded JSON against the answer type; AnswerRejected names each problem."""
    try:
        return answer_type.model_validate(data)
    except ValidationError as exc:
        raise AnswerRejected(format_validation_errors(exc)) from None


def parse_text(answer_type: type[A], text: str) -> A:
    """Read the answer from text holding one JSON object, possibly fenced or wrapped in prose."""
    return validate(answer_type, parse_json(text))


def strip_fence(text: str) -> str:
    """The content of a file answer, without the code fence a model sometimes puts around it."""
    match = _FENCE.match(text)
    body = match.group("body") if match else text
    return body if body.endswith("\n") or not body else body + "\n"


def file_content(text: str, path: str) -> str:
    """The file in a model's answer: bare, fenced, or fenced inside a few lines of prose
    ("Here is the file: ```dart ... ``` Let me know..."). Markdown files keep their fences."""
    if path.endswith(".md") or _FENCE.match(text):
        return strip_fence(text)
    fences = list(_INNER_FENCE.finditer(text))
    if not fences:
        return strip_fence(text)
    before, after = text[: fences[0].start()].strip(), text[fences[-1].end():].strip()
    if len(before.splitlines()) > PROSE_LINES or len(after.splitlines()) > PROSE_LINES:
        return strip_fence(text)
    body = max((m.group("body") for m in fences), key=len)
    return body if body.endswith("\n") else body + "\n"


def parse_json(text: str) -> object:
    """The JSON object in `text`: bare, fenced, or the outermost braces inside prose."""
    candidate = strip_fence(text).strip()
    try:
        return json.loads(candidate)
    except json.JSONDecodeError:
        pass
    start, end = candidate.find("{"), candidate.rfind("}")
    if start == -1 or end <= start:
        raise AnswerRejected("the answer holds no JSON object")
    try:
        return json.loads(candidate[start : end + 1])
    except json.JSONDecodeError as exc:
        where = f"{exc.msg} at char {exc.pos}"
        raise AnswerRejected(f"the answer is not valid JSON ({where})") from None
