"""The run's pull request: a draft where the repository allows drafts, else titled "WIP: ".

GitHub refuses drafts with a 422 ("Draft pull requests are not supported in this repository.")
in private repositories on plans without them (GitHub Free and Pro). The PR then opens as an
ordinary one titled as work in progress and, when the Judge passes, is retitled instead of
marked ready for review: https://docs.github.com/rest/pulls/pulls#create-a-pull-request
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.errors import Unprocessable
from bot.github import GitHub

PULLS_URL = "/repos/{owner}/{repo}/pulls{?head,state}"
CREATE_PULL_URL = "/repos/{owner}/{repo}/pulls"
PULL_URL = "/repos/{owner}/{repo}/pulls/{number}"
NO_DRAFTS = "Draft pull requests are not supported"
WIP_PREFIX = "WIP: "
READY_MUTATION = """
mutation($id: ID!) {
  markPullRequestReadyForReview(input: {pullRequestId: $id}) {
    pullRequest { isDraft }
  }
}
"""


@dataclass(frozen=True)
class PullRequest:
    """What a run remembers of its PR (in the run's origin, so a resumed run knows it too)."""

    number: int
    node_id: str
    wip: bool = False
    """Opened as an ordinary PR titled "WIP: …" because the repository refused a draft."""

    @classmethod
    def of(cls, answer: dict[str, Any]) -> PullRequest:
        """From GitHub's JSON: a PR that is no draft and whose title says WIP is a WIP one."""
        wip = not answer.get("draft") and str(answer.get("title", "")).startswith(WIP_PREFIX)
        return cls(int(answer["number"]), str(answer["node_id"]), wip)

    @classmethod
    def remembered(cls, origin: dict[str, Any]) -> PullRequest | None:
        if not (origin.get("pr") and origin.get("pr_node_id")):
            return None
        return cls(int(origin["pr"]), str(origin["pr_node_id"]), bool(origin.get("pr_wip")))

    def origin(self) -> dict[str, Any]:
        return {"pr": self.number, "pr_node_id": self.node_id, "pr_wip": self.wip}


async def open_pull(gh: GitHub, repo: str, head: str, base: str, title: str,
                    body: str) -> PullRequest:
    """The open PR from `head` (one a crashed execution opened), else a new draft, else a new
    WIP-titled PR where GitHub refuses the draft."""
    owner, name = repo.split("/")
    where = {"owner": owner, "repo": name}
    found = await gh.get(PULLS_URL, {**where, "state": "open", "head": f"{owner}:{head}"})
    if found:
        return PullRequest.of(found[0])
    wanted = {"title": title, "head": head, "base": base, "body": body}
    try:
        return PullRequest.of(await gh.post(CREATE_PULL_URL, where, data={**wanted, "draft": True}))
    except Unprocessable as exc:
        if NO_DRAFTS not in str(exc):
            raise
    wanted["title"] = WIP_PREFIX + title
    return PullRequest.of(await gh.post(CREATE_PULL_URL, where, data=wanted))


async def mark_ready(gh: GitHub, repo: str, pull: PullRequest) -> None:
    """Ready for review: a draft through GraphQL, a WIP one by dropping the title's prefix
    (only the title changes, and only while it still says WIP). Asked again (a verdict
    delivered twice), it changes nothing: a PR no longer a draft is left alone."""
    owner, name = repo.split("/")
    where = {"owner": owner, "repo": name, "number": pull.number}
    answer = await gh.get(PULL_URL, where)
    if not pull.wip:
        if answer.get("draft"):
            await gh.graphql(READY_MUTATION, id=pull.node_id)
        return
    title = str(answer["title"])
    if title.startswith(WIP_PREFIX):
        await gh.patch(PULL_URL, where, data={"title": title.removeprefix(WIP_PREFIX)})
