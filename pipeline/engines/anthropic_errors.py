"""Maps the Anthropic SDK's exceptions to ours: transient ones to retry, the rest to one line.

Error kinds and codes: https://docs.anthropic.com/en/api/errors
"""

from __future__ import annotations

import anthropic

from pipeline.errors import EngineError, TransientEngineError

TRANSIENT_STATUSES = frozenset({408, 409, 429})
"""Besides these, every 5xx is transient; `x-should-retry` overrides both ways."""
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
    detail = exc.api_message or str(exc)
    if _transient(exc):
        return TransientEngineError(
            f"Anthropic answered {status} {exc.type or ''}: {detail}".replace("  ", " "),
            retry_after=_retry_after(exc),
        )
    line = FIXED_LINES.get(status, DEFAULT_LINE)
    return EngineError(line.format(model=model, detail=detail, status=status))


def _transient(exc: anthropic.APIStatusError) -> bool:
    # The API says whether a retry can help (the SDK obeys the same header when it retries).
    should = exc.response.headers.get("x-should-retry")
    if should in ("true", "false"):
        return should == "true"
    return exc.status_code in TRANSIENT_STATUSES or exc.status_code >= 500 or (
        exc.type in TRANSIENT_TYPES)


def _retry_after(exc: anthropic.APIStatusError) -> float | None:
    headers = exc.response.headers
    millis = headers.get("retry-after-ms")
    seconds = headers.get("retry-after")
    try:
        if millis is not None:
            return float(millis) / 1000
        if seconds is not None:
            return float(seconds)
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
    return None
