"""GitHub Actions in the GitHub fake: a workflow that reacts to pushes, and the endpoints that
read what it reported (check suites and runs for a ref, annotations, workflow runs, jobs, logs).

On each push to a branch under `branch_prefix`, the test's script says which jobs run on the
new head; the fake opens a check suite, a workflow run and one job (= check run, same id, as on
GitHub) per job, in progress, and completes them `delay_s` later, with their annotations and
logs. `foreign` adds results that must not count: another branch's, or a fork's.
Shapes follow GitHub's OpenAPI description (tests/fixtures/github/openapi.json).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.github_git import Refused
from tests.fakes.github_state import Repo, next_id

ACTIONS_APP = {"id": 15368, "slug": "github-actions", "node_id": "MDM6QXBwMTUzNjg=",
               "name": "GitHub Actions", "owner": {"login": "github", "id": 9919}}
WORKFLOW = "CI"
WORKFLOW_PATH = ".github/workflows/ci.yml"
STAMP = "2026-12-03T12:00:00Z"
DEFAULT_PER_PAGE = 30


@dataclass
class Job:
    """One job of the workflow on one head, as the test scripts it."""

    name: str
    conclusion: str = "success"
    annotations: list[dict[str, Any]] = field(default_factory=list)
    """Each with path, start_line, message (and optionally annotation_level, title)."""
    log: str = ""


Script = Callable[[Repo, str, str], list[Job] | None]
"""(repo, head SHA, branch) -> the jobs that run on that push, or None for no workflow."""
Notify = Callable[[str, dict[str, Any]], Awaitable[None]]
"""Called with (event name, what completed) so a test can deliver the webhook."""


def page(items: list[Any], query: dict[str, str], url: str) -> tuple[list[Any], dict[str, str]]:
    """One page of `items` as GitHub paginates (`per_page`, `page`, `Link: rel="next"`)."""
    per_page = int(query.get("per_page", DEFAULT_PER_PAGE))
    number = int(query.get("page", 1))
    chunk = items[(number - 1) * per_page: number * per_page]
    headers = {}
    if number * per_page < len(items):
        others = "".join(f"&{k}={v}" for k, v in query.items() if k != "page")
        headers["Link"] = f'<{url}?page={number + 1}{others}>; rel="next"'
    return chunk, headers


class FakeActions:
    """The Actions side of one FakeGitHub (its `actions`); a test sets `script` to play CI."""

    def __init__(self, fake: Any, *, branch_prefix: str = "factory/") -> None:
        self.fake = fake
        self.script: Script = lambda repo, sha, branch: None
        """No workflow until a test scripts one: a repository without CI."""
        self.branch_prefix = branch_prefix
        self.delay_s = 0.05
        """How long a workflow runs before its jobs complete."""
        self.notify: Notify | None = None
        self.suites: dict[int, dict[str, Any]] = {}
        self.workflow_runs: dict[int, dict[str, Any]] = {}
        self.jobs: dict[int, dict[str, Any]] = {}
        self.annotations: dict[int, list[dict[str, Any]]] = {}
        self.logs: dict[int, str] = {}
        self.pushes: list[str] = []
        self._tasks: set[asyncio.Task[None]] = set()
        fake.handlers.update({
            "checks/list-for-ref": self._list_check_runs,
            "checks/list-suites-for-ref": self._list_suites,
            "checks/list-annotations": self._list_annotations,
            "actions/list-workflow-runs-for-repo": self._list_workflow_runs,
            "actions/list-jobs-for-workflow-run": self._list_jobs,
            "actions/download-job-logs-for-workflow-run": self._job_logs,
        })
        fake.observers.append(self._observe)

    # -- the workflow ---------------------------------------------------------------------------
    def _observe(self, operation: str, repo: Repo, params: dict[str, str], body: Any) -> None:
        if operation == "git/update-ref":
            ref = "refs/" + params["ref"]
        elif operation == "git/create-ref":
            ref = body["ref"]
        else:
            return
        branch = ref.removeprefix("refs/heads/")
        sha = repo.git.ref(ref)
        if not branch.startswith(self.branch_prefix) or sha is None:
            return
        self.pushes.append(sha)
        jobs = self.script(repo, sha, branch)
        if jobs:
            self.run_workflow(repo, sha, branch, jobs)

    def run_workflow(self, repo: Repo, sha: str, branch: str, jobs: list[Job],
                     head_repo: str | None = None) -> dict[str, Any]:
        """Start the workflow on `sha` (from `head_repo`, a fork's name, if given)."""
        suite = {"id": next_id(), "node_id": f"CS_{next_id()}", "head_branch": branch,
                 "head_sha": sha, "status": "in_progress", "conclusion": None,
                 "app": ACTIONS_APP, "before": None, "after": sha, "pull_requests": [],
                 "url": f"https://api.github.com/repos/{repo.full_name}/check-suites/0",
                 "check_runs_url": "", "created_at": STAMP, "updated_at": STAMP,
                 "latest_check_runs_count": len(jobs), "head_commit": {"id": sha},
                 "repository": repo.as_json(), "repo": repo.full_name}
        self.suites[suite["id"]] = suite
        run = {"id": next_id(), "name": WORKFLOW, "path": WORKFLOW_PATH, "head_branch": branch,
               "head_sha": sha, "check_suite_id": suite["id"], "status": "in_progress",
               "conclusion": None, "event": "pull_request", "run_number": len(self.suites),
               "run_attempt": 1, "html_url": f"https://github.com/{repo.full_name}/actions/"
                                              f"runs/{len(self.workflow_runs) + 1}",
               "repository": {"full_name": repo.full_name},
               "head_repository": {"full_name": head_repo or repo.full_name},
               "repo": repo.full_name}
        self.workflow_runs[run["id"]] = run
        for scripted in jobs:
            job_id = next_id()
            self.jobs[job_id] = {
                "id": job_id, "run_id": run["id"], "head_sha": sha, "head_branch": branch,
                "name": scripted.name, "workflow_name": WORKFLOW, "status": "in_progress",
                "conclusion": None, "started_at": STAMP, "completed_at": None,
                "html_url": f"https://github.com/{repo.full_name}/actions/runs/{run['id']}/job/"
                            f"{job_id}",
                "check_run_url": f"https://api.github.com/repos/{repo.full_name}/check-runs/"
                                 f"{job_id}",
                "labels": ["ubuntu-latest"], "steps": [], "suite": suite["id"],
                "scripted": scripted}
            self.annotations[job_id] = [self._annotation(repo, sha, a)
                                        for a in scripted.annotations]
            self.logs[job_id] = scripted.log
        task = asyncio.get_running_loop().create_task(self._complete(run))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return run

    async def _complete(self, run: dict[str, Any]) -> None:
        await asyncio.sleep(self.delay_s)
        jobs = [j for j in self.jobs.values() if j["run_id"] == run["id"]]
        for job in jobs:
            job.update(status="completed", conclusion=job["scripted"].conclusion,
                       completed_at=STAMP)
        red = any(j["conclusion"] != "success" for j in jobs)
        run.update(status="completed", conclusion="failure" if red else "success")
        self.suites[run["check_suite_id"]].update(status="completed", conclusion=run["conclusion"])
        if self.notify is not None:
            await self.notify("workflow_run", run)

    async def close(self) -> None:
        """Stop the workflows still running (a test may leave one waiting forever)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _annotation(self, repo: Repo, sha: str, given: dict[str, Any]) -> dict[str, Any]:
        return {"path": given["path"], "start_line": given.get("start_line", 1),
                "end_line": given.get("start_line", 1), "start_column": None,
                "end_column": None, "annotation_level": given.get("annotation_level", "failure"),
                "title": given.get("title"), "message": given["message"], "raw_details": None,
                "blob_href": f"https://github.com/{repo.full_name}/blob/{sha}/{given['path']}"}

    # -- JSON -----------------------------------------------------------------------------------
    def _check_run_json(self, repo: Repo, job: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": job["id"], "node_id": f"CR_{job['id']}", "head_sha": job["head_sha"],
            "name": job["name"], "external_id": "", "status": job["status"],
            "conclusion": job["conclusion"], "started_at": job["started_at"],
            "completed_at": job["completed_at"], "html_url": job["html_url"],
            "details_url": job["html_url"],
            "url": job["check_run_url"], "app": ACTIONS_APP, "check_suite": {"id": job["suite"]},
            "pull_requests": [], "output": {
                "title": None, "summary": None, "text": None,
                "annotations_count": len(self.annotations[job["id"]]),
                "annotations_url": job["check_run_url"] + "/annotations"},
        }

    def _own_check_runs(self, repo: Repo, sha: str) -> list[dict[str, Any]]:
        """The bot's own check runs, as another client listing the ref sees them."""
        return [{**{k: v for k, v in run.items() if k not in ("annotations", "updates")},
                 "app": {"id": self.fake.app_id, "slug": "code-factory"},
                 "check_suite": {"id": repo.id}, "pull_requests": []}
                for run in repo.check_runs.values() if run["head_sha"] == sha]

    # -- endpoints ------------------------------------------------------------------------------
    def _mine(self, repo: Repo, items: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
        return [i for i in items.values() if i.get("repo", repo.full_name) == repo.full_name]

    async def _list_check_runs(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                               body: Any) -> Any:
        sha = params["ref"]
        runs = self._own_check_runs(repo, sha) + [
            self._check_run_json(repo, j) for j in self.jobs.values()
            if j["head_sha"] == sha and self.suites[j["suite"]]["repo"] == repo.full_name]
        chunk, headers = page(runs, query, self._url(repo, f"commits/{sha}/check-runs"))
        return 200, {"total_count": len(runs), "check_runs": chunk}, headers

    async def _list_suites(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                           body: Any) -> Any:
        suites = [{k: v for k, v in s.items() if k != "repo"}
                  for s in self._mine(repo, self.suites) if s["head_sha"] == params["ref"]]
        chunk, headers = page(suites, query, self._url(repo, f"commits/{params['ref']}/"
                                                             "check-suites"))
        return 200, {"total_count": len(suites), "check_suites": chunk}, headers

    async def _list_annotations(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                                body: Any) -> Any:
        job_id = int(params["check_run_id"])
        if job_id not in self.annotations:
            raise Refused(404, "Not Found")
        chunk, headers = page(self.annotations[job_id], query,
                              self._url(repo, f"check-runs/{job_id}/annotations"))
        return 200, chunk, headers

    async def _list_workflow_runs(self, repo: Repo, params: dict[str, str],
                                  query: dict[str, str], body: Any) -> Any:
        runs = [{k: v for k, v in r.items() if k != "repo"}
                for r in self._mine(repo, self.workflow_runs)
                if "head_sha" not in query or r["head_sha"] == query["head_sha"]]
        chunk, headers = page(runs, query, self._url(repo, "actions/runs"))
        return 200, {"total_count": len(runs), "workflow_runs": chunk}, headers

    async def _list_jobs(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                         body: Any) -> Any:
        run_id = int(params["run_id"])
        if run_id not in self.workflow_runs:
            raise Refused(404, "Not Found")
        jobs = [{k: v for k, v in j.items() if k not in ("suite", "scripted")}
                for j in self.jobs.values() if j["run_id"] == run_id]
        chunk, headers = page(jobs, query, self._url(repo, f"actions/runs/{run_id}/jobs"))
        return 200, {"total_count": len(jobs), "jobs": chunk}, headers

    async def _job_logs(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                        body: Any) -> Any:
        job_id = int(params["job_id"])
        if job_id not in self.logs:
            raise Refused(404, "Not Found")
        # GitHub answers 302 with a short-lived URL on its blob storage (no token needed).
        location = self.fake.blob(f"job-logs/{job_id}", self.logs[job_id])
        return 302, None, {"Location": location}

    def _url(self, repo: Repo, tail: str) -> str:
        return f"{self.fake.url}/repos/{repo.full_name}/{tail}"

    # -- results that must not count ------------------------------------------------------------
    def foreign(self, repo: Repo, sha: str, job: Job, *, branch: str = "",
                fork: str = "") -> dict[str, Any]:
        """A workflow on `sha` from another branch, or from the fork named `fork`."""
        return self.run_workflow(repo, sha, branch or "feature/other", [job],
                                 head_repo=fork or None)
