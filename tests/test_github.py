"""The GitHub client's waits and retries: Retry-After, primary and secondary limits, 5xx."""

from __future__ import annotations

import time

import aiohttp
import pytest

from bot.auth import AppAuth
from bot.errors import GitHubUnavailable, NotFound, RateLimited, Unprocessable
from bot.github import GitHub, RetryingAPI, RetryPolicy, _rate_limit_wait
from bot.settings import BotSettings
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_values import INSTALLATION_ID

pytest_plugins = ["tests.github_fixtures"]

REPO_URL = "/repos/octo-org/recipes"
POLICY = RetryPolicy()


class Sleeps(RetryingAPI):
    """The real client, recording its waits instead of sleeping."""

    slept: list[float]

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


@pytest.fixture
def sleeps(api: RetryingAPI) -> list[float]:
    api.__class__ = Sleeps
    assert isinstance(api, Sleeps)
    api.slept = []
    return api.slept


def test_wait_rules() -> None:
    assert _rate_limit_wait(200, {}, b"", 0, POLICY) is None
    assert _rate_limit_wait(403, {}, b"Must have admin rights", 0, POLICY) is None
    assert _rate_limit_wait(403, {"retry-after": "7"}, b"", 0, POLICY) == 7.0
    assert _rate_limit_wait(429, {"retry-after": "soon"}, b"", 0, POLICY) == 60.0
    reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 30)}
    assert 25 <= (_rate_limit_wait(403, reset, b"", 0, POLICY) or 0) <= 31
    body = b'{"message": "You have exceeded a secondary rate limit"}'
    assert _rate_limit_wait(403, {}, body, 1, POLICY) == 120.0
    assert _rate_limit_wait(429, {}, b"", 0, POLICY) == 60.0


async def test_retry_after_is_honoured(
    fake_github: FakeGitHub, gh: GitHub, sleeps: list[float]
) -> None:
    fake_github.fail_next("repos/get", 429, {"retry-after": "0.5"})
    assert (await gh.get(REPO_URL))["name"] == "recipes"
    assert sleeps == [0.5]
    assert [c.status for c in fake_github.calls if c.operation == "repos/get"] == [429, 200]


async def test_5xx_is_retried_with_growing_backoff(
    fake_github: FakeGitHub, gh: GitHub, sleeps: list[float]
) -> None:
    fake_github.fail_next("repos/get", 502, times=2)
    assert (await gh.get(REPO_URL))["name"] == "recipes"
    assert sleeps == [0.001, 0.002]


async def test_5xx_gives_up_after_the_attempts(
    fake_github: FakeGitHub, gh: GitHub, sleeps: list[float]
) -> None:
    fake_github.fail_next("repos/get", 503, times=4)
    with pytest.raises(GitHubUnavailable):
        await gh.get(REPO_URL)
    assert len(sleeps) == 3


async def test_the_default_policy_rides_out_a_minute_of_5xx(
    fake_github: FakeGitHub, session: aiohttp.ClientSession, settings: BotSettings, repo: Repo,
) -> None:
    """Issue 12 item 9: a ~15 s outage failed every run in flight (5 tries, 15 s of waits)."""
    api = Sleeps(session, base_url=settings.api_url, policy=RetryPolicy())
    api.slept = []
    gh = AppAuth(settings.app_id, settings.private_key, api).github(INSTALLATION_ID)
    fake_github.fail_next("repos/get", 502, times=RetryPolicy().attempts - 1)
    assert (await gh.get(REPO_URL))["name"] == "recipes"
    assert sum(api.slept) >= 60


async def test_a_long_rate_limit_fails_instead_of_hanging(
    fake_github: FakeGitHub, gh: GitHub, sleeps: list[float]
) -> None:
    fake_github.fail_next("repos/get", 403, {"x-ratelimit-remaining": "0",
                                             "x-ratelimit-reset": str(int(time.time()) + 900)})
    with pytest.raises(RateLimited):
        await gh.get(REPO_URL)
    assert sleeps == []


async def test_404_and_422_map_to_our_errors(fake_github: FakeGitHub, gh: GitHub) -> None:
    with pytest.raises(NotFound):
        await gh.get(f"{REPO_URL}/pulls/{{n}}", {"n": 99})
    with pytest.raises(Unprocessable):
        await gh.post(f"{REPO_URL}/git/refs", data={"ref": "refs/heads/x", "sha": "0" * 40})


async def test_connection_errors_are_retried_then_reported(
    repo: Repo, gh: GitHub, sleeps: list[float], api: RetryingAPI
) -> None:
    api.base_url = "http://127.0.0.1:9"  # nothing listens on the discard port
    with pytest.raises(GitHubUnavailable):
        await gh.get(REPO_URL)
    assert len(sleeps) == 3


def test_graphql_url_follows_enterprise_layout(api: RetryingAPI) -> None:
    api.base_url = "https://ghe.example.com/api/v3"
    assert api.graphql_url() == "https://ghe.example.com/api/graphql"
    api.base_url = "https://api.github.com"
    assert api.graphql_url() == "https://api.github.com/graphql"
