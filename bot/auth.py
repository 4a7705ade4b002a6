"""GitHub App authentication: a short-lived App JWT traded for cached installation tokens.

https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime

import jwt

from bot.github import GitHub, RetryingAPI, github_errors

JWT_LIFETIME_S = 9 * 60
"""GitHub refuses App JWTs that live longer than 10 minutes."""
JWT_BACKDATE_S = 60
"""`iat` is set a minute in the past to absorb clock drift, as GitHub recommends."""
TOKEN_REFRESH_MARGIN_S = 5 * 60
"""A cached installation token is replaced this long before it expires (tokens live 1 hour)."""
ACCESS_TOKENS_URL = "/app/installations/{installation_id}/access_tokens"


class AppAuth:
    """Makes App JWTs and keeps one installation token per installation until near expiry."""

    def __init__(
        self, app_id: int, private_key: str, api: RetryingAPI,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app_id = app_id
        self._key = private_key
        self._api = api
        self._clock = clock
        self._jwt: tuple[str, float] | None = None
        self._tokens: dict[int, tuple[str, float]] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def app_jwt(self) -> str:
        """A JWT signed with the App's key (RS256), reused until a minute before it lapses."""
        now = self._clock()
        if self._jwt is not None and self._jwt[1] - 60 > now:
            return self._jwt[0]
        expires = now + JWT_LIFETIME_S
        payload = {"iat": int(now) - JWT_BACKDATE_S, "exp": int(expires), "iss": str(self.app_id)}
        token = jwt.encode(payload, self._key, algorithm="RS256")
        self._jwt = (token, expires)
        return token

    async def installation_token(self, installation_id: int) -> str:
        """A token for the installation, fetched at most once per its lifetime."""
        cached = self._tokens.get(installation_id)
        if cached is not None and cached[1] - TOKEN_REFRESH_MARGIN_S > self._clock():
            return cached[0]
        lock = self._locks.setdefault(installation_id, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(installation_id)
            if cached is not None and cached[1] - TOKEN_REFRESH_MARGIN_S > self._clock():
                return cached[0]
            async with github_errors():
                answer = await self._api.post(
                    ACCESS_TOKENS_URL, {"installation_id": installation_id}, data={},
                    jwt=self.app_jwt(),
                )
            expires = datetime.fromisoformat(answer["expires_at"].replace("Z", "+00:00"))
            self._tokens[installation_id] = (answer["token"], expires.timestamp())
            return str(answer["token"])

    def github(self, installation_id: int) -> GitHub:
        """A client (`gh`) acting as the installation, its token refreshed as needed."""

        async def token() -> str:
            return await self.installation_token(installation_id)

        return GitHub(self._api, token, installation_id)
