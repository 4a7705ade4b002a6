"""The GitHub client: gidgethub over aiohttp, waiting out rate limits and retrying 5xx, bounded.

Rate limits: https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
(primary: `x-ratelimit-remaining` 0 until `x-ratelimit-reset`; secondary: 403 or 429, with
`retry-after` when GitHub says how long, else at least a minute with growing waits).
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import gidgethub
import gidgethub.aiohttp

from bot.errors import GitHubError, GitHubUnavailable, NotFound, RateLimited, Unprocessable

USER_AGENT = "code-factory"
SECONDARY_LIMIT_MARK = b"secondary rate limit"
TRANSIENT_CONNECTION_ERRORS = (aiohttp.ClientConnectionError, asyncio.TimeoutError)
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=60, sock_connect=10)
"""One request to GitHub; aiohttp's own default (300 s) would hold a run on a stalled socket.
A timeout is a transient error, retried as a 5xx is."""
ACCEPTED_PERMISSIONS = "x-accepted-github-permissions"
"""On a 403 for a missing permission, the permission sets that would have allowed the call."""


_SINGLE_SHOT: contextvars.ContextVar[bool] = contextvars.ContextVar("single_shot", default=False)
"""Set around a request that must not be sent twice blindly: a 5xx or a dropped connection
may come after GitHub carried it out, so the caller looks before it tries again."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long the client waits for GitHub before giving up."""

    attempts: int = 7
    """Requests per call, the first included: the waits between them (1, 2, 4, 8, 16, 30 s)
    ride out a GitHub outage of a minute without failing the runs in flight."""
    backoff_s: float = 1.0
    """First wait after a 5xx or a connection error; doubles each time."""
    max_backoff_s: float = 30.0
    secondary_wait_s: float = 60.0
    """Wait after a secondary limit without `retry-after` (GitHub asks for at least a minute)."""
    max_wait_s: float = 120.0
    """A rate limit that lasts longer than this fails the call with RateLimited."""


def _rate_limit_wait(
    status: int, headers: Mapping[str, str], body: bytes, attempt: int, policy: RetryPolicy
) -> float | None:
    """Seconds to wait before retrying a rate-limited response, or None when it is not one."""
    if status not in (403, 429):
        return None
    if "retry-after" in headers:
        try:
            return max(0.0, float(headers["retry-after"]))
        except ValueError:
            return policy.secondary_wait_s
    if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
        return max(1.0, float(headers["x-ratelimit-reset"]) - time.time())
    if status == 429 or SECONDARY_LIMIT_MARK in body.lower():
        return policy.secondary_wait_s * 2.0**attempt
    return None


class RetryingAPI(gidgethub.aiohttp.GitHubAPI):
    """gidgethub's aiohttp client whose raw request honours rate limits and retries 5xx."""

    def __init__(
        self, session: aiohttp.ClientSession, *, base_url: str, policy: RetryPolicy | None = None
    ) -> None:
        super().__init__(session, USER_AGENT, base_url=base_url)
        self.policy = policy or RetryPolicy()

    async def _request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> tuple[int, Mapping[str, str], bytes]:
        policy = self.policy
        once = _SINGLE_SHOT.get()
        for attempt in range(policy.attempts):
            last = attempt == policy.attempts - 1
            try:
                status, resp_headers, data = await super()._request(method, url, headers, body)
            except TRANSIENT_CONNECTION_ERRORS as exc:
                if last or once:
                    raise GitHubUnavailable(0, f"{method} {url}: {exc!r}") from exc
                await self.sleep(min(policy.max_backoff_s, policy.backoff_s * 2.0**attempt))
                continue
            wait = _rate_limit_wait(status, resp_headers, data, attempt, policy)
            if wait is not None:
                if last or wait > policy.max_wait_s:
                    raise RateLimited(status, f"{method} {url}: rate limited for {wait:.0f}s",
                                      retry_after=wait)
                await self.sleep(wait)
                continue
            if status >= 500 and not (last or once):
                await self.sleep(min(policy.max_backoff_s, policy.backoff_s * 2.0**attempt))
                continue
            return status, resp_headers, data
        raise AssertionError("unreachable: the last attempt always returns or raises")

    def graphql_url(self) -> str:
        """GitHub Enterprise serves GraphQL at /api/graphql beside the REST root /api/v3."""
        if self.base_url.endswith("/api/v3"):
            return self.base_url.removesuffix("/v3") + "/graphql"
        return self.base_url + "/graphql"


def _mapped(exc: gidgethub.GitHubException) -> GitHubError:
    """Our error for one of gidgethub's (one place, like gidgethub's `decipher_response`)."""
    status = int(getattr(exc, "status_code", 0) or 0)
    message = str(exc) or type(exc).__name__
    accepted = getattr(exc, "headers", {}).get(ACCEPTED_PERMISSIONS)
    if status == 403 and accepted:
        message = f"{message} (the App needs {accepted}: see app.yml and the installation)"
    if isinstance(exc, gidgethub.RateLimitExceeded):
        return RateLimited(status, message)
    if status == 404:
        return NotFound(status, message)
    if status == 422 or isinstance(exc, gidgethub.InvalidField | gidgethub.ValidationError):
        return Unprocessable(status or 422, message)
    if isinstance(exc, gidgethub.GitHubBroken):
        return GitHubUnavailable(status, message)
    return GitHubError(status, message)


@asynccontextmanager
async def github_errors() -> AsyncIterator[None]:
    """Turn gidgethub's exceptions raised inside the block into the bot's own."""
    try:
        yield
    except gidgethub.GitHubException as exc:
        raise _mapped(exc) from exc


TokenSource = Callable[[], Awaitable[str]]


class GitHub:
    """One installation's client (`gh`): every call carries a current installation token."""

    def __init__(self, api: RetryingAPI, token: TokenSource, installation_id: int) -> None:
        self.api = api
        self._token = token
        self.installation_id = installation_id

    async def get(self, url: str, url_vars: Mapping[str, Any] | None = None) -> Any:
        """GET one resource."""
        token = await self._token()
        async with github_errors():
            return await self.api.getitem(url, dict(url_vars or {}), oauth_token=token)

    async def get_all(
        self, url: str, url_vars: Mapping[str, Any] | None = None, *, key: str | None = None
    ) -> list[Any]:
        """GET every page of a list (following `Link: rel="next"`); `key` names the list in
        an answer that wraps it (`check_runs` in `{"total_count": 2, "check_runs": [...]}`)."""
        token = await self._token()
        async with github_errors():
            return [item async for item in self.api.getiter(
                url, dict(url_vars or {}), oauth_token=token, iterable_key=key)]

    async def post(
        self, url: str, url_vars: Mapping[str, Any] | None = None, *, data: Any,
        once: bool = False,
    ) -> Any:
        """POST a JSON body; `once`: never resent after a 5xx or a dropped connection (the
        caller finds out whether it landed before it tries again)."""
        token = await self._token()
        mark = _SINGLE_SHOT.set(once)
        try:
            async with github_errors():
                return await self.api.post(url, dict(url_vars or {}), data=data,
                                           oauth_token=token)
        finally:
            _SINGLE_SHOT.reset(mark)

    async def create(
        self, url: str, url_vars: Mapping[str, Any] | None = None, *, data: Any,
        find: Callable[[], Awaitable[Any | None]],
    ) -> Any:
        """POST something that must exist once: after a 5xx or a dropped connection (GitHub
        may have made it all the same) `find` looks for it before the POST goes again, as
        often as the retry policy allows; returns what was made or found."""
        policy = self.api.policy
        for attempt in range(policy.attempts):
            try:
                return await self.post(url, url_vars, data=data, once=True)
            except GitHubUnavailable:
                if attempt == policy.attempts - 1:
                    raise
            found = await find()
            if found is not None:
                return found
            await self.api.sleep(min(policy.max_backoff_s, policy.backoff_s * 2.0**attempt))
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def patch(
        self, url: str, url_vars: Mapping[str, Any] | None = None, *, data: Any
    ) -> Any:
        """PATCH with a JSON body."""
        token = await self._token()
        async with github_errors():
            return await self.api.patch(url, dict(url_vars or {}), data=data, oauth_token=token)

    async def graphql(self, query: str, **variables: Any) -> Any:
        """Run a GraphQL query or mutation and return its `data`.

        GraphQL answers 200 with an `errors` list when the query fails, so that is mapped too.
        """
        answer = await self.post(
            self.api.graphql_url(), data={"query": query, "variables": variables}
        )
        if answer.get("errors"):
            messages = "; ".join(str(e.get("message", e)) for e in answer["errors"])
            raise Unprocessable(200, f"GraphQL: {messages}")
        return answer.get("data")
