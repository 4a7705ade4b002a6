"""The run's branch: fast-forward only, rebuilt on top when someone else moved it."""

from __future__ import annotations

from bot.branch import Branch
from bot.comments import deliver_comment, marker
from bot.github import GitHub
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_values import REPO

pytest_plugins = ["tests.github_fixtures"]


async def test_a_moved_branch_is_rebuilt_on_its_new_head(
    gh: GitHub, repo: Repo, fake_github: FakeGitHub
) -> None:
    branch = Branch(gh, REPO, "factory/issue-3-x", "main", "run-1")
    start = await branch.ensure()
    fake_github.fail_next("git/update-ref", 422)  # GitHub: "Update is not a fast forward"
    sha = await branch.commit("level-1", {"lib/a.dart": "a"}, "level 1")
    assert repo.git.ref("refs/heads/factory/issue-3-x") == sha
    assert repo.git.commit_info(sha).parents == [start.sha]
    assert len(fake_github.called("git/create-commit")) == 3  # start, attempt 1, attempt 2
    assert await branch.ensure() == await branch.head()


async def test_a_deleted_comment_is_posted_again(gh: GitHub, repo: Repo) -> None:
    number = repo.open_issue("t", "b")["number"]
    mark = marker("r-1", "judge")
    first = await deliver_comment(gh, REPO, number, "one", mark, None)
    assert await deliver_comment(gh, REPO, number, "two", mark, first) == first
    del repo.comments[first]
    second = await deliver_comment(gh, REPO, number, "three", mark, first)
    assert second != first and repo.comments[second]["body"] == f"{mark}\nthree"
