"""The request checks the Chat Completions API makes before answering, with its error wording.

Each check raises Rejected(status, message, param, code) like the real API's error body
(https://platform.openai.com/docs/api-reference/chat/create and the structured-outputs guide's
supported-schema rules). A server without a feature (`json_schema`, `tools`) refuses it with a
400 naming the parameter, as vLLM and llama.cpp servers without it do.
"""

from __future__ import annotations

import re
from typing import Any

TOP_LEVEL = frozenset({
    "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stream",
    "stream_options", "response_format", "tools", "tool_choice", "parallel_tool_calls", "seed",
    "stop", "n", "user", "metadata", "store", "presence_penalty", "frequency_penalty",
    "reasoning_effort", "prompt_cache_key",
})
REASONING = frozenset({"o3", "o4-mini", "gpt-5", "gpt-5-mini"})
"""Models that take `max_completion_tokens` only, and no temperature but the default 1."""
MAX_OUTPUT = {"gpt-4o": 16_384, "gpt-4o-mini": 16_384, "o3": 100_000, "o4-mini": 100_000,
              "gpt-5": 128_000, "gpt-5-mini": 128_000}
DEFAULT_MAX_OUTPUT = 32_768
ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})
NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
STRICT_UNSUPPORTED = frozenset({"minLength", "maxLength"})
SCHEMA_MAPS = frozenset({"properties", "$defs"})


class Rejected(Exception):
    """A request the API refuses; the fake answers with this status and error body."""

    def __init__(self, status: int, message: str, param: str | None = None,
                 code: str | None = None, kind: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.message, self.param, self.code, self.kind = (
            status, message, param, code, kind)

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.kind, "param": self.param,
                          "code": self.code}}


def check_request(body: object, models: frozenset[str], *, json_schema: bool = True,
                  tools: bool = True) -> dict[str, Any]:
    """The body when the API would accept it, else Rejected."""
    if not isinstance(body, dict):
        raise Rejected(400, "We could not parse the JSON body of your request.")
    for key in body:
        if key not in TOP_LEVEL:
            raise Rejected(400, f"Unrecognized request argument supplied: {key}")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise Rejected(400, "you must provide a model parameter", "model")
    if model not in models:
        raise Rejected(404, f"The model `{model}` does not exist or you do not have access to "
                       "it.", "model", "model_not_found")
    _check_sampling(body, model)
    _check_messages(body.get("messages"))
    if "stream_options" in body and not body.get("stream"):
        raise Rejected(400, "The 'stream_options' parameter is only allowed when 'stream' is "
                       "enabled.", "stream_options", "invalid_value")
    _check_response_format(body.get("response_format"), json_schema)
    _check_tools(body, tools)
    return body


def max_tokens(body: dict[str, Any]) -> int:
    """The answer's token budget the request asked for."""
    value = body.get("max_completion_tokens", body.get("max_tokens"))
    return int(value) if isinstance(value, int) else DEFAULT_MAX_OUTPUT


def _check_sampling(body: dict[str, Any], model: str) -> None:
    limit = MAX_OUTPUT.get(model, DEFAULT_MAX_OUTPUT)
    if model in REASONING and "max_tokens" in body:
        raise Rejected(400, "Unsupported parameter: 'max_tokens' is not supported with this "
                       "model. Use 'max_completion_tokens' instead.", "max_tokens",
                       "unsupported_parameter")
    for name in ("max_tokens", "max_completion_tokens"):
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise Rejected(400, f"Invalid '{name}': integer below minimum value.", name,
                           "integer_below_min_value")
        if value > limit:
            raise Rejected(400, f"{name} is too large: {value}. This model supports at most "
                           f"{limit} completion tokens, whereas you provided {value}.", name,
                           "invalid_value")
    temperature = body.get("temperature")
    if temperature is None:
        return
    if not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
        raise Rejected(400, "Invalid 'temperature': decimal above maximum value.", "temperature")
    if model in REASONING and temperature != 1:
        raise Rejected(400, f"Unsupported value: 'temperature' does not support {temperature} "
                       "with this model. Only the default (1) value is supported.",
                       "temperature", "unsupported_value")


def _check_messages(messages: object) -> None:
    if not isinstance(messages, list) or not messages:
        raise Rejected(400, "Invalid 'messages': empty array. Expected an array with minimum "
                       "length 1.", "messages", "empty_array")
    open_calls: set[str] = set()
    for i, message in enumerate(messages):
        where = f"messages.[{i}]"
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise Rejected(400, f"Invalid value: '{message.get('role') if isinstance(message, dict) else message}'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.", f"{where}.role")  # noqa: E501
        role = message["role"]
        if open_calls and role != "tool":
            raise _unanswered(open_calls)
        content = message.get("content")
        if role == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in open_calls:
                raise Rejected(400, "Invalid parameter: messages with role 'tool' must be a "
                               "response to a preceeding message with 'tool_calls'.",
                               f"{where}.role")
            open_calls.discard(call_id)
        if role == "assistant":
            calls = message.get("tool_calls") or []
            if content is None and not calls:
                raise Rejected(400, "Invalid value for 'content': expected a string, got null.",
                               f"{where}.content")
            open_calls = {c.get("id") for c in calls if isinstance(c, dict)}
            continue
        if not _text(content):
            raise Rejected(400, f"Invalid '{where}.content': string too short. Expected a "
                           "string with minimum length 1, but got an empty string instead.",
                           f"{where}.content", "string_too_short")
    if open_calls:
        raise _unanswered(open_calls)


def _unanswered(calls: set[str]) -> Rejected:
    return Rejected(400, "An assistant message with 'tool_calls' must be followed by tool "
                    "messages responding to each 'tool_call_id'. The following tool_call_ids "
                    f"did not have response messages: {', '.join(sorted(calls))}", "messages")


def _text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _check_response_format(form: object, supported: bool) -> None:
    if form is None:
        return
    if not isinstance(form, dict) or form.get("type") not in ("text", "json_object",
                                                                "json_schema"):
        raise Rejected(400, "Invalid value for 'response_format.type'.", "response_format.type")
    if form["type"] != "json_schema":
        return
    if not supported:
        raise Rejected(400, "response_format type 'json_schema' is not supported by this "
                       "server", "response_format")
    spec = form.get("json_schema")
    if not isinstance(spec, dict) or not NAME.match(str(spec.get("name", ""))):
        raise Rejected(400, "Missing required parameter: 'response_format.json_schema.name'.",
                       "response_format.json_schema.name")
    schema = spec.get("schema")
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise Rejected(400, f"Invalid schema for response_format '{spec['name']}': schema "
                       "must be a JSON Schema of 'type: \"object\"'.", "response_format")
    if spec.get("strict"):
        _check_strict(schema, spec["name"], ())


def _check_strict(schema: Any, name: str, where: tuple[str, ...]) -> None:
    """Strict structured outputs: closed objects, every property required, no length bounds."""
    if isinstance(schema, list):
        for i, item in enumerate(schema):
            _check_strict(item, name, (*where, str(i)))
        return
    if not isinstance(schema, dict):
        return
    context = "(" + ", ".join(f"'{w}'" for w in where) + ")"
    for key in STRICT_UNSUPPORTED & set(schema):
        raise Rejected(400, f"Invalid schema for response_format '{name}': In context="
                       f"{context}, '{key}' is not permitted.", "response_format")
    properties = schema.get("properties")
    if schema.get("type") == "object" or isinstance(properties, dict):
        if schema.get("additionalProperties") is not False:
            raise Rejected(400, f"Invalid schema for response_format '{name}': In context="
                           f"{context}, 'additionalProperties' is required to be supplied and "
                           "to be false.", "response_format")
        missing = set(properties or {}) - set(schema.get("required", []))
        if missing:
            raise Rejected(400, f"Invalid schema for response_format '{name}': In context="
                           f"{context}, 'required' is required to be supplied and to be an "
                           "array including every key in properties. Missing "
                           f"'{sorted(missing)[0]}'.", "response_format")
    for key, value in schema.items():
        if key in SCHEMA_MAPS and isinstance(value, dict):
            for sub, sub_schema in value.items():
                _check_strict(sub_schema, name, (*where, key, sub))
        elif isinstance(value, dict | list):
            _check_strict(value, name, (*where, key))


def _check_tools(body: dict[str, Any], supported: bool) -> None:
    tools = body.get("tools")
    choice = body.get("tool_choice")
    if tools is None:
        if choice is not None:
            raise Rejected(400, "Invalid value for 'tool_choice': 'tool_choice' is only allowed "
                           "when 'tools' are specified.", "tool_choice")
        return
    if not supported:
        raise Rejected(400, "This server does not support tools", "tools")
    if not isinstance(tools, list) or not tools:
        raise Rejected(400, "Invalid 'tools': empty array.", "tools", "empty_array")
    names = set()
    for i, tool in enumerate(tools):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(
                function, dict):
            raise Rejected(400, f"Missing required parameter: 'tools[{i}].function'.",
                           f"tools[{i}].function")
        if not NAME.match(str(function.get("name", ""))):
            raise Rejected(400, f"Invalid 'tools[{i}].function.name': string does not match "
                           "pattern.", f"tools[{i}].function.name")
        parameters = function.get("parameters", {"type": "object"})
        if not isinstance(parameters, dict) or parameters.get("type") != "object":
            raise Rejected(400, f"Invalid schema for function '{function['name']}': schema must "
                           "be a JSON Schema of 'type: \"object\"'.", f"tools[{i}]")
        names.add(function["name"])
    if isinstance(choice, dict):
        named = (choice.get("function") or {}).get("name")
        if choice.get("type") != "function" or named not in names:
            raise Rejected(400, f"Invalid value for 'tool_choice': function '{named}' is not "
                           "among the tools.", "tool_choice")
    elif choice not in (None, "none", "auto", "required"):
        raise Rejected(400, "Invalid value for 'tool_choice'.", "tool_choice")
