"""The repository's CI on GitHub, as the pipeline's CI oracle (`pipeline.ci.CiOracle`).

What counts is what other apps report on the head the bot pushed last, on the run's own branch
and repository: our own check run, another branch's suites and a fork's workflow runs on the
same SHA are left out. Failures are read from the check runs' annotations (paginated) and,
for a failed Actions job that blamed no planned file that way, from the job's log.
https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference
https://docs.github.com/rest/actions/workflow-jobs#download-job-logs-for-a-workflow-run
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.ci_signals import CiSignals
from bot.errors import GitHubError
from bot.github import GitHub
from pipeline.ci import CiFailures, CiJob, CiSnapshot
from pipeline.ci_diagnostics import CiDiagnostic, parse_log, project_path

CHECK_RUNS_URL = "/repos/{owner}/{repo}/commits/{ref}/check-runs{?filter,per_page}"
SUITES_URL = "/repos/{owner}/{repo}/commits/{ref}/check-suites{?per_page}"
ANNOTATIONS_URL = "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations{?per_page}"
WORKFLOW_RUNS_URL = "/repos/{owner}/{repo}/actions/runs{?head_sha,per_page}"
JOBS_URL = "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs{?filter,per_page}"
JOB_LOGS_URL = "/repos/{owner}/{repo}/actions/jobs/{job_id}/logs"
PER_PAGE = 100
QUEUED = "{workflow} (queued)"
NO_ACTIONS = ("the installation has not granted `actions: read` (app.yml asks for it): workflow "
              "runs and job logs were not read")


class GitHubCi:
    """Reads the checks on one run's pushed head: `head` gives the SHA the bot pushed last."""

    def __init__(self, gh: GitHub, repo: str, branch: str, head: Callable[[], str],
                 app_id: int, signals: CiSignals | None = None) -> None:
        self.gh = gh
        self.repo = repo
        self.owner, self.name = repo.split("/")
        self.branch = branch
        self.head = head
        self.app_id = app_id
        self.signals = signals or CiSignals()
        self.notes: set[str] = set()
        """What GitHub would not let the App read."""

    def _where(self, **more: Any) -> dict[str, Any]:
        return {"owner": self.owner, "repo": self.name, "per_page": PER_PAGE, **more}

    async def _workflow_runs(self, sha: str) -> tuple[list[dict[str, Any]], set[int]]:
        """The head's workflow runs from our own repository, and the suites of a fork's.

        An installation that has not accepted `actions: read` yet answers 403: the checks
        still count, without the Actions details (forks' runs, queued workflows, job logs)."""
        try:
            runs = await self.gh.get_all(WORKFLOW_RUNS_URL, self._where(head_sha=sha),
                                         key="workflow_runs")
        except GitHubError as exc:
            if exc.status != 403:
                raise
            self.notes.add(NO_ACTIONS)
            return [], set()
        own = [r for r in runs if (r.get("head_repository") or {}).get("full_name") == self.repo]
        return own, {int(r["check_suite_id"]) for r in runs if r not in own}

    async def snapshot(self) -> CiSnapshot:
        sha = self.head()
        suites = await self.gh.get_all(SUITES_URL, self._where(ref=sha), key="check_suites")
        workflows, forks = await self._workflow_runs(sha)
        ours = {s["id"] for s in suites
                if s.get("head_branch") == self.branch and s["id"] not in forks
                and (s.get("app") or {}).get("id") != self.app_id}
        runs = await self.gh.get_all(CHECK_RUNS_URL, self._where(ref=sha, filter="latest"),
                                     key="check_runs")
        others = [r for r in runs if (r.get("app") or {}).get("id") != self.app_id
                  and r["head_sha"] == sha]
        counted = [r for r in others if (r.get("check_suite") or {}).get("id") in ours]
        jobs = tuple(CiJob(name=r["name"], url=r.get("html_url") or "", ref=str(r["id"]),
                           conclusion=r["conclusion"] if r["status"] == "completed" else None)
                     for r in sorted(counted, key=lambda r: (r["name"], r["id"])))
        # A queued workflow has a suite but no check run yet: it is pending all the same.
        started = {(r.get("check_suite") or {}).get("id") for r in counted}
        jobs += tuple(CiJob(name=QUEUED.format(workflow=w["name"]), conclusion=None,
                            url=w.get("html_url") or "")
                      for w in workflows if w["check_suite_id"] not in started
                      and w.get("status") != "completed" and w.get("head_branch") == self.branch)
        html = next((s["repository"]["html_url"] for s in suites if s.get("repository")), "")
        return CiSnapshot(head=sha, jobs=jobs, ignored=len(others) - len(counted),
                          link=f"{html}/commit/{sha}/checks" if html else "",
                          notes=tuple(sorted(self.notes)))

    async def failures(self, snapshot: CiSnapshot, planned: Sequence[str]) -> CiFailures:
        found: list[CiDiagnostic] = []
        logs: list[str] = []
        jobs: dict[str, dict[str, Any]] | None = None
        for job in snapshot.failed:
            noted = await self._annotations(job)
            found += noted
            if any(project_path(d.file, planned) for d in noted):
                continue
            if jobs is None:
                jobs = await self._actions_jobs(snapshot.head)
            if job.ref in jobs:
                log = await self.gh.get(JOB_LOGS_URL, {"owner": self.owner, "repo": self.name,
                                                       "job_id": jobs[job.ref]["id"]})
                found += parse_log(log if isinstance(log, str) else "")
                logs.append(job.name)
        return CiFailures(found, logs)

    async def _annotations(self, job: CiJob) -> list[CiDiagnostic]:
        notes = await self.gh.get_all(ANNOTATIONS_URL, self._where(check_run_id=job.ref))
        return [CiDiagnostic(file=n["path"], line=int(n.get("start_line") or 0),
                             message=n.get("message") or n.get("title") or "", source=job.name)
                for n in notes]

    async def _actions_jobs(self, sha: str) -> dict[str, dict[str, Any]]:
        """The head's Actions jobs by the id of the check run each reports as."""
        jobs: dict[str, dict[str, Any]] = {}
        for run in (await self._workflow_runs(sha))[0]:
            for job in await self.gh.get_all(JOBS_URL, self._where(run_id=run["id"],
                                                                   filter="latest"), key="jobs"):
                check_run = str(job.get("check_run_url") or "").rsplit("/", 1)[-1]
                jobs[check_run or str(job["id"])] = job
        return jobs

    async def pause(self, seconds: float) -> None:
        await self.signals.pause((self.repo, self.branch, self.head()), seconds)
