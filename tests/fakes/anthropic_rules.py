"""The request checks the Messages API makes before answering, with its error wording.

Each check raises Rejected(status, error type, message) like the real API's error body:
https://docs.anthropic.com/en/api/errors and https://docs.anthropic.com/en/api/messages
"""

from __future__ import annotations

import re
from typing import Any

TOP_LEVEL = frozenset({
    "model", "max_tokens", "messages", "system", "tools", "tool_choice", "stream",
    "temperature", "top_p", "top_k", "stop_sequences", "metadata", "cache_control",
    "output_config", "thinking",
})
ADAPTIVE_MODELS = frozenset({"claude-opus-4-7", "claude-opus-4-8", "claude-opus-5",
                             "claude-opus-5-5", "claude-fable-5", "claude-sonnet-5"})
"""Models that refuse sampling parameters and think unless told not to."""
MAX_OUTPUT = {"claude-opus-4-1": 32_000}
"""Output limits below MAX_OUTPUT_TOKENS."""
UNSUPPORTED_SCHEMA_KEYS = frozenset({"minLength", "maxLength", "minimum", "maximum",
                                     "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
                                     "maxItems"})
TOOL_KEYS = frozenset({"name", "description", "input_schema", "cache_control", "type"})
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
MAX_BREAKPOINTS = 4
MAX_OUTPUT_TOKENS = 64_000
USER_BLOCKS = frozenset({"text", "tool_result", "image", "document"})
ASSISTANT_BLOCKS = frozenset({"text", "tool_use"})
TOOL_CHOICES = ("auto", "any", "tool", "none")
CACHE_TTLS = ("5m", "1h")


class Rejected(Exception):
    """A request the API refuses; the fake answers with this status and error body."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def invalid(message: str) -> Rejected:
    """A 400 invalid_request_error."""
    return Rejected(400, "invalid_request_error", message)


def check_request(body: object, models: frozenset[str]) -> dict[str, Any]:
    """The body when the API would accept it, else Rejected."""
    if not isinstance(body, dict):
        raise invalid("The request body is not a JSON object")
    for key in body:
        if key not in TOP_LEVEL:
            raise invalid(f"{key}: Extra inputs are not permitted")
    model = body.get("model")
    _check_model(model, models)
    _check_max_tokens(body.get("max_tokens"), MAX_OUTPUT.get(str(model), MAX_OUTPUT_TOKENS))
    _check_model_rules(body)
    temperature = body.get("temperature")
    if temperature is not None and not (isinstance(temperature, int | float)
                                        and 0 <= temperature <= 1):
        raise invalid("temperature: Input should be less than or equal to 1")
    breakpoints = _check_system(body.get("system", []))
    breakpoints += _check_tools(body.get("tools", []), body.get("tool_choice"))
    breakpoints += _check_messages(body.get("messages"))
    if breakpoints > MAX_BREAKPOINTS:
        raise invalid(f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. "
                      f"Found {breakpoints}.")
    return body


def _check_model(model: object, models: frozenset[str]) -> None:
    if not isinstance(model, str) or not model:
        raise invalid("model: Field required")
    if model not in models:
        raise Rejected(404, "not_found_error", f"model: {model}")


def _check_max_tokens(max_tokens: object, limit: int) -> None:
    if max_tokens is None:
        raise invalid("max_tokens: Field required")
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise invalid("max_tokens: Input should be a valid integer greater than or equal to 1")
    if max_tokens > limit:
        raise invalid(f"max_tokens: {max_tokens} > {limit}, which is the maximum "
                      "allowed number of output tokens for this model")


def thinks(body: dict[str, Any]) -> bool:
    """Whether the request runs with thinking on (adaptive models think unless disabled)."""
    thinking = body.get("thinking") or {}
    if thinking.get("type") in ("enabled", "adaptive"):
        return True
    return body.get("model") in ADAPTIVE_MODELS and thinking.get("type") != "disabled"


def _check_model_rules(body: dict[str, Any]) -> None:
    if body.get("model") in ADAPTIVE_MODELS:
        for name in ("temperature", "top_p", "top_k"):
            if name in body:
                raise invalid(f"`{name}` is deprecated for this model.")
    choice = body.get("tool_choice") or {}
    if thinks(body) and choice.get("type") in ("any", "tool"):
        raise invalid("Thinking may not be enabled when tool_choice forces tool use.")
    output = body.get("output_config")
    if output is not None:
        form = output.get("format") if isinstance(output, dict) else None
        if not isinstance(form, dict) or form.get("type") != "json_schema":
            raise invalid("output_config.format.type: Input should be 'json_schema'")
        _check_schema(form.get("schema"), "output_config.format.schema")


def _check_schema(schema: object, where: str) -> None:
    """The structured-output limits: closed objects, no numeric or length constraints."""
    if not isinstance(schema, dict):
        return
    for key in UNSUPPORTED_SCHEMA_KEYS & set(schema):
        raise invalid(f"{where}: For '{key}', the property is not supported")
    if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
        raise invalid(f"{where}: For 'object' type, 'additionalProperties' must be explicitly "
                      "set to false")
    if schema.get("minItems", 0) > 1:
        raise invalid(f"{where}: For 'array' type, 'minItems' values other than 0 or 1 are not "
                      "supported")
    for key, value in schema.items():
        if isinstance(value, dict):
            _check_schema(value, f"{where}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                _check_schema(item, f"{where}.{key}.{i}")


def _check_system(system: object) -> int:
    if isinstance(system, str):
        return 0
    if not isinstance(system, list):
        raise invalid("system: Input should be a valid list")
    for i, block in enumerate(system):
        if not isinstance(block, dict) or block.get("type") != "text":
            raise invalid(f"system.{i}.type: Input should be 'text'")
        _check_text(block, f"system.{i}")
    return sum(_cache_mark(b, f"system.{i}") for i, b in enumerate(system))


def _check_tools(tools: object, choice: object) -> int:
    if not isinstance(tools, list):
        raise invalid("tools: Input should be a valid list")
    names = set()
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict):
            raise invalid(f"tools.{i}: Input should be a valid dictionary")
        extra = set(tool) - TOOL_KEYS
        if extra:
            raise invalid(f"tools.{i}.{sorted(extra)[0]}: Extra inputs are not permitted")
        name = tool.get("name")
        if not isinstance(name, str) or not TOOL_NAME.match(name):
            raise invalid(f"tools.{i}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'")
        schema = tool.get("input_schema")
        if not isinstance(schema, dict) or schema.get("type") != "object":
            raise invalid(f"tools.{i}.input_schema: JSON schema is invalid: the root must have "
                          "type 'object'")
        names.add(name)
    if choice is not None:
        if not isinstance(choice, dict) or choice.get("type") not in TOOL_CHOICES:
            raise invalid("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'")
        if choice["type"] == "tool" and choice.get("name") not in names:
            raise invalid(f"tool_choice: tool '{choice.get('name')}' not found in tools")
    return sum(_cache_mark(t, f"tools.{i}") for i, t in enumerate(tools))


def _check_messages(messages: object) -> int:
    if not isinstance(messages, list) or not messages:
        raise invalid("messages: at least one message is required")
    marks = 0
    expected = "user"
    open_tool_ids: set[str] = set()
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or set(message) - {"role", "content"}:
            raise invalid(f"messages.{i}: only 'role' and 'content' are allowed (cache_control "
                          "goes on a content block)")
        if message.get("role") != expected:
            raise invalid("messages: roles must alternate between \"user\" and \"assistant\", "
                          "starting with \"user\"" if i else "messages: first message must use "
                          "the \"user\" role")
        content = message.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        if not isinstance(blocks, list) or not blocks:
            raise invalid(f"messages.{i}: all messages must have non-empty content")
        allowed = USER_BLOCKS if expected == "user" else ASSISTANT_BLOCKS
        answered = set()
        for j, block in enumerate(blocks):
            where = f"messages.{i}.content.{j}"
            kind = block.get("type") if isinstance(block, dict) else None
            if kind not in allowed:
                raise invalid(f"{where}.type: '{kind}' is not allowed in a {expected} message")
            if kind == "text":
                _check_text(block, where)
            if kind == "tool_result":
                if block.get("tool_use_id") not in open_tool_ids:
                    raise invalid(f"{where}: unexpected `tool_use_id` found in `tool_result` "
                                  "blocks; each must answer a tool_use of the previous message")
                answered.add(block["tool_use_id"])
            marks += _cache_mark(block, where)
        if expected == "user" and open_tool_ids - answered:
            raise invalid(f"messages.{i}: `tool_use` ids were found without `tool_result` blocks "
                          f"immediately after: {', '.join(sorted(open_tool_ids - answered))}")
        open_tool_ids = {b["id"] for b in blocks if b.get("type") == "tool_use"}
        expected = "assistant" if expected == "user" else "user"
    return marks


def _check_text(block: dict[str, Any], where: str) -> None:
    text = block.get("text")
    if not isinstance(text, str) or not text:
        raise invalid(f"{where}: text content blocks must be non-empty")


def _cache_mark(block: dict[str, Any], where: str) -> int:
    mark = block.get("cache_control")
    if mark is None:
        return 0
    if mark != {"type": "ephemeral"} and not (
        isinstance(mark, dict) and set(mark) == {"type", "ttl"}
        and mark["type"] == "ephemeral" and mark["ttl"] in CACHE_TTLS
    ):
        raise invalid(f"{where}.cache_control: Input should be {{'type': 'ephemeral'}}")
    return 1
