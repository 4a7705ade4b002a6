"""Maps the OpenAI SDK's exceptions to ours: transient ones to retry, a feature the server lacks
to UnsupportedFeature (the engine degrades), an overflowing prompt to ContextExceeded, the rest
to one line naming the provider.

Error shapes: https://platform.openai.com/docs/guides/error-codes
"""

from __future__ import annotations

import openai

from pipeline.engines.asking import ContextExceeded
from pipeline.engines.retry import retry_after, transient_status
from pipeline.errors import EngineError, TransientEngineError

FEATURES = ("response_format", "tool_choice", "tools", "stream_options")
"""Request fields a compatible server may not know; a 400 naming one is a missing feature."""
REFUSING_STATUSES = frozenset({400, 422})
"""vLLM and llama.cpp answer an unknown field 400, FastAPI-based servers 422."""
CONTEXT_CODES = frozenset({"context_length_exceeded", "string_above_max_length"})
FIXED_LINES = {
    401: "{provider} rejected the API key ({key_variable})",
    403: "{provider} refused access with this API key ({key_variable}): {detail}",
    404: "{provider} does not know model {model!r} or the endpoint: {detail}",
}
DEFAULT_LINE = "{provider} rejected the request to {model} ({status}): {detail}"


class UnsupportedFeature(EngineError):
    """The server refused a request field it does not support (`feature`, e.g. `tools`)."""

    def __init__(self, feature: str, detail: str) -> None:
        super().__init__(f"the server does not support {feature}: {detail}")
        self.feature = "tools" if feature == "tool_choice" else feature
        self.detail = detail


def engine_error(exc: openai.OpenAIError, provider: str, model: str,
                 key_variable: str) -> EngineError:
    """The pipeline error for an SDK failure of a call to `model` on `provider`."""
    if isinstance(exc, openai.APITimeoutError):
        return TransientEngineError(f"the call to {model} on {provider} timed out")
    if isinstance(exc, openai.APIConnectionError):
        return TransientEngineError(f"the connection to {provider} failed: {exc.message}")
    if isinstance(exc, openai.APIStatusError):
        return _status_error(exc, provider, model, key_variable)
    return EngineError(f"the OpenAI client failed for {provider}: {exc}")


def _status_error(exc: openai.APIStatusError, provider: str, model: str,
                  key_variable: str) -> EngineError:
    status = exc.status_code
    detail = _detail(exc)
    if transient_status(status, exc.response.headers):
        return TransientEngineError(f"{provider} answered {status}: {detail}",
                                    retry_after=retry_after(exc.response.headers))
    if exc.code in CONTEXT_CODES:
        return ContextExceeded(f"{model}: context window exceeded ({detail})")
    if status in REFUSING_STATUSES and (feature := _refused_feature(exc)) is not None:
        return UnsupportedFeature(feature, detail)
    line = FIXED_LINES.get(status, DEFAULT_LINE)
    return EngineError(line.format(provider=provider, model=model, detail=detail, status=status,
                                   key_variable=key_variable))


def _refused_feature(exc: openai.APIStatusError) -> str | None:
    if exc.param in FEATURES:
        return exc.param
    text = _detail(exc).lower()
    return next((f for f in FEATURES if f in text), None)


def _detail(exc: openai.APIStatusError) -> str:
    """The error body's own message (the SDK's `message` repeats the whole body)."""
    body = exc.body
    said = body.get("message") if isinstance(body, dict) else None
    return said if isinstance(said, str) and said else exc.message
