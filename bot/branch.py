"""The run's branch, written through the Git Data API: one tree, one commit, one ref update.

https://docs.github.com/rest/git — a commit is built from a tree of inline contents on top of
the previous commit's tree, then the branch is fast-forwarded to it (never forced).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.errors import NotFound, Unprocessable, UnsafePath
from bot.github import GitHub
from pipeline.agents.plan_rules import path_problem

REF_URL = "/repos/{owner}/{repo}/git/ref/{+ref}"
REFS_URL = "/repos/{owner}/{repo}/git/refs"
UPDATE_REF_URL = "/repos/{owner}/{repo}/git/refs/{+ref}"
COMMIT_URL = "/repos/{owner}/{repo}/git/commits/{sha}"
COMMITS_URL = "/repos/{owner}/{repo}/git/commits"
TREES_URL = "/repos/{owner}/{repo}/git/trees"
TRAILER = "Factory-Commit"
FILE_MODE = "100644"
FAST_FORWARD_ATTEMPTS = 3
"""Someone else may push between our read of the head and our ref update; we rebuild on top."""
START_MESSAGE = "factory: start run {run_id}\n\nThe branch's first commit, so a draft PR can open."

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Head:
    sha: str
    tree: str
    message: str


def trailer(run_id: str, key: str) -> str:
    """The line that marks a commit as `key` of one run (a branch can outlive a run)."""
    return f"{TRAILER}: {run_id}/{key}"


def check_paths(paths: list[str]) -> None:
    """Refuse any path that is absolute, climbs out with `..`, or lands under `.github/`."""
    for path in paths:
        why = path_problem(path)
        if why is not None:
            raise UnsafePath(f"refusing to commit: {why}")


class Branch:
    """One branch of one repository, advanced only by fast-forward commits."""

    def __init__(self, gh: GitHub, repo: str, name: str, base: str, run_id: str) -> None:
        self.gh = gh
        self.run_id = run_id
        self.owner, self.repo = repo.split("/")
        self.name = name
        self.base = base

    def _vars(self, **more: str) -> dict[str, str]:
        return {"owner": self.owner, "repo": self.repo, **more}

    async def _ref_sha(self, branch: str) -> str:
        answer = await self.gh.get(REF_URL, self._vars(ref=f"heads/{branch}"))
        return str(answer["object"]["sha"])

    async def head_sha(self) -> str:
        """The sha of the branch's head (NotFound when the branch does not exist)."""
        return await self._ref_sha(self.name)

    async def head(self) -> Head:
        """The branch's head commit."""
        sha = await self._ref_sha(self.name)
        commit = await self.gh.get(COMMIT_URL, self._vars(sha=sha))
        return Head(sha=sha, tree=commit["tree"]["sha"], message=commit["message"])

    async def ensure(self) -> Head:
        """The branch, created from the base branch with one empty start commit if missing."""
        try:
            return await self.head()
        except NotFound:
            pass
        base_sha = await self._ref_sha(self.base)
        base = await self.gh.get(COMMIT_URL, self._vars(sha=base_sha))
        message = START_MESSAGE.format(run_id=self.run_id)
        message += f"\n\n{trailer(self.run_id, 'start')}\n"
        commit = await self.gh.post(COMMITS_URL, self._vars(), data={
            "message": message, "tree": base["tree"]["sha"], "parents": [base_sha]})
        await self.gh.post(REFS_URL, self._vars(),
                           data={"ref": f"refs/heads/{self.name}", "sha": commit["sha"]})
        return Head(sha=commit["sha"], tree=base["tree"]["sha"], message=message)

    async def commit(self, key: str, files: dict[str, str], message: str) -> str:
        """Commit `files` as one commit keyed `key`; a head already carrying `key` is kept."""
        check_paths(sorted(files))
        for attempt in range(FAST_FORWARD_ATTEMPTS):
            head = await self.head()
            if trailer(self.run_id, key) in head.message.splitlines():
                return head.sha  # landed before a crash, but never recorded in the store
            tree = await self.gh.post(TREES_URL, self._vars(), data={
                "base_tree": head.tree,
                "tree": [{"path": path, "mode": FILE_MODE, "type": "blob", "content": content}
                         for path, content in sorted(files.items())],
            })
            commit = await self.gh.post(COMMITS_URL, self._vars(), data={
                "message": f"{message}\n\n{trailer(self.run_id, key)}\n", "tree": tree["sha"],
                "parents": [head.sha]})
            try:
                await self.gh.patch(UPDATE_REF_URL, self._vars(ref=f"heads/{self.name}"),
                                    data={"sha": commit["sha"], "force": False})
            except Unprocessable:
                if attempt == FAST_FORWARD_ATTEMPTS - 1:
                    raise
                log.info("branch moved under us; rebuilding", extra={"branch": self.name})
                continue
            return str(commit["sha"])
        raise AssertionError("unreachable: the last attempt returns or raises")
