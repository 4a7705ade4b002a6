"""Maps the Anthropic SDK's exceptions to ours: transient ones to retry, the rest to one line.

Error kinds and codes: https://docs.anthropic.com/en/api/errors
"""

from __future__ import annotations

import anthropic

from pipeline.engines.retry import retry_after, transient_status
from pipeline.errors import EngineError, TransientEngineError

# A stream that already answered 200 reports a failure as an `error` event; its type says which.
TRANSIENT_TYPES = frozenset({"rate_limit_error", "overloaded_error", "api_error", "timeout_error"})
FIXED_LINES = {
    401: "Anthropic rejected the API key (ANTHROPIC_API_KEY)",
    402: "Anthropic refused the request for billing reasons (check the account's credit)",
    403: "Anthropic refused access with this API key (ANTHROPIC_API_KEY): {detail}",
    404: "Anthropic does not know model {model!r} or the endpoint: {detail}",
    413: "the request is larger than Anthropic accepts: {detail}",
}
DEFAULT_LINE = "Anthropic rejected the request ({status}): {detail}"


def engine_error(exc: anthropic.AnthropicError, model: str) -> EngineError:
    """The pipeline error for an SDK failure of a call to `model`."""
    if isinstance(exc, anthropic.APITimeoutError):
        return TransientEngineError(f"the call to {model} timed out")
    if isinstance(exc, anthropic.APIConnectionError):
        return TransientEngineError(f"the connection to Anthropic failed: {exc.message}")
    if isinstance(exc, anthropic.APIStatusError):
        return _status_error(exc, model)
    return EngineError(f"the Anthropic client failed: {exc}")


def _status_error(exc: anthropic.APIStatusError, model: str) -> EngineError:
    status = exc.status_code
    detail = _api_message(exc) or str(exc)
    if _transient(exc):
        return TransientEngineError(
            f"Anthropic answered {status} {exc.type or ''}: {detail}".replace("  ", " "),
            retry_after=retry_after(exc.response.headers),
        )
    line = FIXED_LINES.get(status, DEFAULT_LINE)
    return EngineError(line.format(model=model, detail=detail, status=status))


def _api_message(exc: anthropic.APIStatusError) -> str | None:
    """The error body's own message; read from the body, as anthropic 2.0.0 has no field for it."""
    error = exc.body.get("error") if isinstance(exc.body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return message if isinstance(message, str) and message else None


def _transient(exc: anthropic.APIStatusError) -> bool:
    by_status = transient_status(exc.status_code, exc.response.headers)
    return exc.type in TRANSIENT_TYPES if by_status is None else by_status
