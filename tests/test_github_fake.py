"""The GitHub fake itself: spec checks, auth, and real git objects behind the Git Data API."""

from __future__ import annotations

import aiohttp
import git
import pytest

from bot.auth import AppAuth
from bot.errors import GitHubError, NotFound, Unprocessable
from bot.github import GitHub
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_permissions import manifest_permissions
from tests.fakes.github_state import Repo
from tests.fakes.openapi import OpenAPI, SpecViolation
from tests.github_values import INSTALLATION_ID

pytest_plugins = ["tests.github_fixtures"]

REPO_URL = "/repos/octo-org/recipes"
READY = ("mutation($id: ID!) { markPullRequestReadyForReview(input: {pullRequestId: $id}) "
         "{ pullRequest { isDraft } } }")


def test_spec_matches_multi_segment_refs_and_rejects_unknown_paths() -> None:
    spec = OpenAPI()
    op, params = spec.match("GET", "/repos/o/r/git/ref/heads/factory/issue-1-x")
    assert (op.operation_id, params["ref"]) == ("git/get-ref", "heads/factory/issue-1-x")
    with pytest.raises(SpecViolation, match="not an operation"):
        spec.match("POST", "/repos/o/r/git/blobz")
    with pytest.raises(SpecViolation, match="bad path parameter"):
        spec.match("GET", "/repos/o/r/pulls/abc")


def test_spec_checks_bodies_and_queries() -> None:
    spec = OpenAPI()
    op, _ = spec.match("POST", "/repos/o/r/git/trees")
    with pytest.raises(SpecViolation, match="tree/0/mode"):
        spec.check(op, {}, b'{"tree": [{"path": "a", "mode": "644", "type": "blob"}]}')
    with pytest.raises(SpecViolation, match="required"):
        spec.check(op, {}, b"")
    op, _ = spec.match("GET", "/repos/o/r/pulls")
    with pytest.raises(SpecViolation, match="unknown query"):
        spec.check(op, {"color": "red"}, b"")
    with pytest.raises(SpecViolation, match="bad value"):
        spec.check(op, {"state": "merged"}, b"")
    assert spec.check(op, {"state": "open"}, b"") is None


async def test_a_request_outside_the_spec_is_refused_and_noted(
    fake_github: FakeGitHub, gh: GitHub
) -> None:
    with pytest.raises(GitHubError) as caught:
        await gh.post(f"{REPO_URL}/git/trees", data={"tree": [{"path": "x", "mode": "1"}]})
    assert caught.value.status == 400
    assert fake_github.violations and "git/create-tree" in fake_github.violations[0]
    fake_github.violations.clear()


async def test_tokens_are_required(fake_github: FakeGitHub, repo: Repo, api: object) -> None:
    from bot.github import RetryingAPI

    assert isinstance(api, RetryingAPI)

    async def bogus() -> str:
        return "ghs_not_issued"

    with pytest.raises(GitHubError) as caught:
        await GitHub(api, bogus, 1).get(REPO_URL)
    assert caught.value.status == 401


async def test_git_data_api_writes_real_commits(
    fake_github: FakeGitHub, repo: Repo, gh: GitHub
) -> None:
    main = await gh.get(f"{REPO_URL}/git/ref/{{+ref}}", {"ref": "heads/main"})
    base = await gh.get(f"{REPO_URL}/git/commits/{{sha}}", {"sha": main["object"]["sha"]})
    tree = await gh.post(f"{REPO_URL}/git/trees", data={
        "base_tree": base["tree"]["sha"],
        "tree": [{"path": "lib/main.dart", "mode": "100644", "type": "blob",
                  "content": "void main() {}\n"}],
    })
    commit = await gh.post(f"{REPO_URL}/git/commits", data={
        "message": "level 1", "tree": tree["sha"], "parents": [base["sha"]],
    })
    await gh.post(f"{REPO_URL}/git/refs", data={"ref": "refs/heads/topic", "sha": commit["sha"]})
    checkout = git.Repo.clone_from(str(repo.git.path), str(repo.git.path.parent / "clone"),
                                   branch="topic")
    assert (repo.git.path.parent / "clone" / "lib/main.dart").read_text() == "void main() {}\n"
    assert checkout.head.commit.message.strip() == "level 1"
    assert sorted(repo.git.files("topic")) == ["README.md", "lib/main.dart"]
    with pytest.raises(Unprocessable, match="fast forward"):
        await gh.patch(f"{REPO_URL}/git/refs/{{+ref}}", {"ref": "heads/topic"},
                       data={"sha": base["sha"]})
    with pytest.raises(NotFound):
        await gh.get(f"{REPO_URL}/git/ref/{{+ref}}", {"ref": "heads/nope"})


async def test_pull_needs_commits_and_graphql_marks_it_ready(
    fake_github: FakeGitHub, repo: Repo, gh: GitHub
) -> None:
    main = repo.git.ref("refs/heads/main")
    assert main is not None
    await gh.post(f"{REPO_URL}/git/refs", data={"ref": "refs/heads/empty", "sha": main})
    with pytest.raises(Unprocessable):
        await gh.post(f"{REPO_URL}/pulls", data={"title": "t", "head": "empty", "base": "main"})
    repo.git.seed({"a.txt": "a"})  # moves main; branch a new commit off it
    sha = repo.git.ref("refs/heads/main")
    assert sha is not None
    repo.git.set_ref("refs/heads/main", main)
    await gh.post(f"{REPO_URL}/git/refs", data={"ref": "refs/heads/work", "sha": sha})
    pull = await gh.post(f"{REPO_URL}/pulls", data={
        "title": "t", "head": "work", "base": "main", "draft": True, "body": "Closes #1"})
    assert pull["draft"] is True
    data = await gh.graphql(READY, id=pull["node_id"])
    assert data["markPullRequestReadyForReview"]["pullRequest"]["isDraft"] is False
    assert repo.pulls[pull["number"]]["draft"] is False
    with pytest.raises(Unprocessable, match="GraphQL"):
        await gh.graphql("mutation($id: ID!) { markPullRequestReadyForReview("
                         "input: {pullRequestId: $id}) { clientMutationId } }", id="PR_nope")


def _work_branch(repo: Repo, name: str = "work") -> None:
    """A branch one commit ahead of main, so a pull request can open from it (made in the
    fake's git directly: a token minted before a test narrows the grant keeps its permissions)."""
    main = repo.git.ref("refs/heads/main")
    repo.git.seed({f"{name}.txt": name})
    ahead = repo.git.ref("refs/heads/main")
    assert main is not None and ahead is not None
    repo.git.set_ref("refs/heads/main", main)
    repo.git.set_ref(f"refs/heads/{name}", ahead)


async def test_a_repository_without_drafts_refuses_a_draft_with_githubs_422(
    fake_github: FakeGitHub, repo: Repo, gh: GitHub, auth: AppAuth,
    session: aiohttp.ClientSession,
) -> None:
    repo.drafts_allowed = False
    _work_branch(repo)
    token = await auth.installation_token(INSTALLATION_ID)
    async with session.post(f"{fake_github.url}{REPO_URL}/pulls", json={
            "title": "t", "head": "work", "base": "main", "draft": True},
            headers={"Authorization": f"token {token}"}) as answer:
        assert answer.status == 422
        assert await answer.json() == {
            "message": "Draft pull requests are not supported in this repository.",
            "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"}
    with pytest.raises(Unprocessable, match="Draft pull requests are not supported"):
        await gh.post(f"{REPO_URL}/pulls", data={
            "title": "t", "head": "work", "base": "main", "draft": True})
    assert repo.pulls == {}
    pull = await gh.post(f"{REPO_URL}/pulls", data={"title": "t", "head": "work", "base": "main"})
    assert pull["draft"] is False


async def test_tokens_carry_the_manifests_permissions_and_can_be_minted_narrower(
    fake_github: FakeGitHub, repo: Repo, auth: AppAuth, session: aiohttp.ClientSession,
) -> None:
    url = f"{fake_github.url}/app/installations/{INSTALLATION_ID}/access_tokens"
    headers = {"Authorization": f"Bearer {auth.app_jwt()}"}
    async with session.post(url, json={}, headers=headers) as answer:
        assert (await answer.json())["permissions"] == manifest_permissions()
    async with session.post(url, json={"permissions": {"checks": "write"}},
                            headers=headers) as answer:
        narrow = await answer.json()
    assert narrow["permissions"] == {"checks": "write"}
    async with session.post(url, json={"permissions": {"administration": "write"}},
                            headers=headers) as answer:
        assert answer.status == 422
    async with session.get(f"{fake_github.url}{REPO_URL}/git/ref/heads/main",
                           headers={"Authorization": f"token {narrow['token']}"}) as answer:
        assert answer.status == 403
        assert (await answer.json())["message"] == "Resource not accessible by integration"
        assert answer.headers["x-accepted-github-permissions"] == "contents=read"


async def test_a_call_without_its_permission_gets_403_naming_the_permission(
    fake_github: FakeGitHub, repo: Repo, gh: GitHub
) -> None:
    fake_github.state.granted[INSTALLATION_ID] = {"metadata": "read", "contents": "read"}
    assert (await gh.get(f"{REPO_URL}/git/ref/{{+ref}}", {"ref": "heads/main"}))["object"]
    with pytest.raises(GitHubError, match="contents=write") as caught:
        await gh.post(f"{REPO_URL}/git/refs", data={"ref": "refs/heads/x", "sha": "0" * 40})
    assert caught.value.status == 403 and "Resource not accessible" in str(caught.value)
    assert fake_github.calls[-1].needs == ({"contents": "write"},)


async def test_issue_endpoints_need_issues_on_an_issue_and_either_on_a_pull_request(
    fake_github: FakeGitHub, repo: Repo, gh: GitHub
) -> None:
    fake_github.state.granted[INSTALLATION_ID] = {"metadata": "read", "pull_requests": "write"}
    _work_branch(repo)
    pull = await gh.post(f"{REPO_URL}/pulls", data={"title": "t", "head": "work", "base": "main"})
    issue = repo.open_issue("Idea", "An app")["number"]
    comments = f"{REPO_URL}/issues/{{number}}/comments"
    await gh.post(comments, {"number": pull["number"]}, data={"body": "on the PR"})
    with pytest.raises(GitHubError, match="issues=write") as caught:
        await gh.post(comments, {"number": issue}, data={"body": "on the issue"})
    assert "pull_requests" not in str(caught.value)
    with pytest.raises(GitHubError, match="issues=write"):
        await gh.post(f"{REPO_URL}/issues/{{number}}/reactions", {"number": issue},
                      data={"content": "eyes"})


async def test_marking_ready_needs_pull_requests_and_contents_write(
    fake_github: FakeGitHub, repo: Repo, gh: GitHub
) -> None:
    fake_github.state.granted[INSTALLATION_ID] = {"metadata": "read", "pull_requests": "write"}
    _work_branch(repo)
    pull = await gh.post(f"{REPO_URL}/pulls", data={
        "title": "t", "head": "work", "base": "main", "draft": True})
    with pytest.raises(Unprocessable, match="Resource not accessible by integration"):
        await gh.graphql(READY, id=pull["node_id"])
    assert repo.pulls[pull["number"]]["draft"] is True
