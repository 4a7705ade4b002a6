"""The live "Code Factory" check run: created on the branch head, patched at a bounded rate.

Updates are coalesced: at most one PATCH per `min_interval_s`, except at stage changes and the
end, which always go out. When a commit moves the head, the check moves with it (a new check
run on the new head; the old one is closed as superseded), so the PR always shows it. A
resumed run finds its checks on GitHub by `external_id` (the run id): it adopts the one still
in progress on the head and closes those a dead process left behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bot.check_output import CHECK_NAME, Display, chunks, fit
from bot.github import GitHub

CHECK_RUNS_URL = "/repos/{owner}/{repo}/check-runs"
CHECK_RUN_URL = "/repos/{owner}/{repo}/check-runs/{check_run_id}"
CHECKS_FOR_REF_URL = (
    "/repos/{owner}/{repo}/commits/{ref}/check-runs{?check_name,filter,per_page,page}"
)
PAGE_SIZE = 100
MIN_INTERVAL_S = 3.0
TITLE_LIMIT = 1000
MAX_ANNOTATIONS = 500
"""Beyond this the annotations stop; the summary still counts the failures."""
IN_PROGRESS_TITLE = "Running: {stage}"
SUPERSEDED_TITLE = "Moved to {sha}"


class CheckRun:
    """One run's check on GitHub; `id` changes when it moves to a new head."""

    def __init__(
        self, gh: GitHub, repo: str, run_id: str, display: Display,
        *, min_interval_s: float = MIN_INTERVAL_S, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.gh = gh
        self.owner, self.repo = repo.split("/")
        self.run_id = run_id
        self.display = display
        self.id: int | None = None
        self.head_sha = ""
        self._min_interval_s = min_interval_s
        self._clock = clock
        self._last_patch = float("-inf")
        self._annotations: list[dict[str, Any]] = []
        self._sent = 0
        """How many of `_annotations` the current check run has received."""

    def _output(self, title: str, headline: str = "") -> dict[str, Any]:
        output: dict[str, Any] = {"title": fit(title, TITLE_LIMIT),
                                  "summary": self.display.summary(headline)}
        text = self.display.text()
        if text:
            output["text"] = text
        return output

    def _url(self, check_id: int | None = None) -> tuple[str, dict[str, Any]]:
        return CHECK_RUN_URL, {"owner": self.owner, "repo": self.repo,
                               "check_run_id": self.id if check_id is None else check_id}

    async def ours(self, head_sha: str) -> list[dict[str, Any]]:
        """This run's check runs on `head_sha`, oldest first, whatever their status."""
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            answer = await self.gh.get(CHECKS_FOR_REF_URL, {
                "owner": self.owner, "repo": self.repo, "ref": head_sha,
                "check_name": CHECK_NAME, "filter": "all", "per_page": PAGE_SIZE, "page": page})
            runs = answer["check_runs"]
            found.extend(r for r in runs if r.get("external_id") == self.run_id)
            if len(runs) < PAGE_SIZE:
                return sorted(found, key=lambda r: int(r["id"]))
            page += 1

    def adopt(self, check_id: int, head_sha: str) -> None:
        """Carry on with an existing check run (a resumed run's, or the one to conclude)."""
        self.id, self.head_sha, self._sent = check_id, head_sha, 0

    def forget_annotations(self) -> None:
        """Drop the queued annotations (they went out with the execution that found them)."""
        self._annotations.clear()
        self._sent = 0

    async def close(self, check_id: int, title: str) -> None:
        """Complete a check run that nothing will update any more, as neutral."""
        url, where = self._url(check_id)
        await self.gh.patch(url, where, data={
            "status": "completed", "conclusion": "neutral", "output": self._output(title)})

    async def start(self, head_sha: str) -> int:
        """Create the check run, in progress, on `head_sha`; later annotations are re-sent."""

        async def landed() -> dict[str, Any] | None:
            live = [c for c in await self.ours(head_sha) if c["status"] != "completed"]
            return live[-1] if live else None

        answer = await self.gh.create(
            CHECK_RUNS_URL, {"owner": self.owner, "repo": self.repo},
            data={"name": CHECK_NAME, "head_sha": head_sha, "status": "in_progress",
                  "external_id": self.run_id,
                  "output": self._output(IN_PROGRESS_TITLE.format(stage=self.display.stage))},
            find=landed,
        )
        self.id, self.head_sha, self._sent = int(answer["id"]), head_sha, 0
        self._last_patch = self._clock()
        await self._flush_annotations(IN_PROGRESS_TITLE.format(stage=self.display.stage))
        return self.id

    async def move(self, head_sha: str) -> int:
        """Follow the branch to a new head: close this check as superseded, open one there
        (on the head it is on already, as after a commit that landed before a crash: stay)."""
        if self.id is not None:
            if head_sha == self.head_sha:
                return self.id
            await self.close(self.id, SUPERSEDED_TITLE.format(sha=head_sha[:7]))
        return await self.start(head_sha)

    def annotate(self, annotations: list[dict[str, Any]]) -> None:
        """Queue annotations; they go out with the next update, 50 per request."""
        room = MAX_ANNOTATIONS - len(self._annotations)
        self._annotations.extend(annotations[:max(0, room)])

    async def refresh(self, *, force: bool = False) -> bool:
        """Patch the live table unless one went out within the interval; True when sent."""
        if self.id is None:
            return False
        if not force and self._clock() - self._last_patch < self._min_interval_s:
            return False
        title = IN_PROGRESS_TITLE.format(stage=self.display.stage)
        url, where = self._url()
        pending = self._annotations[self._sent:]
        first = chunks(pending)[0] if pending else []
        await self.gh.patch(url, where, data={"output": {**self._output(title),
                                                         "annotations": first}})
        self._sent += len(first)
        self._last_patch = self._clock()
        await self._flush_annotations(title)
        return True

    async def _flush_annotations(self, title: str) -> None:
        url, where = self._url()
        for chunk in chunks(self._annotations[self._sent:]):
            await self.gh.patch(url, where, data={"output": {
                "title": fit(title, TITLE_LIMIT), "summary": self.display.summary(),
                "annotations": chunk}})
            self._sent += len(chunk)

    async def finish(self, conclusion: str, title: str, headline: str) -> None:
        """Complete the check with its conclusion, title and the final table."""
        await self._flush_annotations(title)
        url, where = self._url()
        await self.gh.patch(url, where, data={
            "status": "completed", "conclusion": conclusion,
            "output": self._output(title, headline)})
