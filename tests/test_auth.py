"""App JWTs and installation tokens, against the GitHub fake."""

from __future__ import annotations

import jwt
import pytest

from bot.auth import JWT_LIFETIME_S, TOKEN_REFRESH_MARGIN_S, AppAuth
from bot.errors import GitHubError, NotFound
from bot.github import RetryingAPI
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_values import APP_ID, INSTALLATION_ID, KeyPair

pytest_plugins = ["tests.github_fixtures"]


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_app_jwt_is_rs256_short_lived_and_reused(api: RetryingAPI, app_key: KeyPair) -> None:
    clock = Clock(1_700_000_000.0)
    auth = AppAuth(APP_ID, app_key.private, api, clock=clock)
    token = auth.app_jwt()
    claims = jwt.decode(token, app_key.public, algorithms=["RS256"],
                        options={"verify_exp": False, "verify_iat": False})
    assert claims["iss"] == str(APP_ID)
    assert claims["exp"] - claims["iat"] <= 600
    assert claims["exp"] == int(clock.now) + JWT_LIFETIME_S
    clock.now += 60
    assert auth.app_jwt() == token
    clock.now += JWT_LIFETIME_S
    assert auth.app_jwt() != token


async def test_installation_token_is_cached_until_near_expiry(
    fake_github: FakeGitHub, repo: Repo, api: RetryingAPI, app_key: KeyPair
) -> None:
    auth = AppAuth(APP_ID, app_key.private, api)
    first = await auth.installation_token(INSTALLATION_ID)
    assert await auth.installation_token(INSTALLATION_ID) == first
    assert len(fake_github.called("apps/create-installation-access-token")) == 1
    fake_github.token_lifetime_s = TOKEN_REFRESH_MARGIN_S - 5
    fresh = AppAuth(APP_ID, app_key.private, api)
    second = await fresh.installation_token(INSTALLATION_ID)
    third = await fresh.installation_token(INSTALLATION_ID)
    assert len({first, second, third}) == 3  # a token inside the margin is never reused
    assert len(fake_github.called("apps/create-installation-access-token")) == 3


async def test_a_wrong_key_or_installation_fails_clearly(
    fake_github: FakeGitHub, repo: Repo, api: RetryingAPI, app_key: KeyPair
) -> None:
    with pytest.raises(NotFound):
        await AppAuth(APP_ID, app_key.private, api).installation_token(999)
    with pytest.raises(GitHubError) as caught:
        await AppAuth(APP_ID + 1, app_key.private, api).installation_token(INSTALLATION_ID)
    assert caught.value.status == 401


async def test_a_client_per_installation_reads_the_repo(
    fake_github: FakeGitHub, repo: Repo, auth: AppAuth
) -> None:
    gh = auth.github(INSTALLATION_ID)
    assert (await gh.get("/repos/octo-org/recipes"))["default_branch"] == "main"
    assert gh.installation_id == INSTALLATION_ID
