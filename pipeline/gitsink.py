"""The local sink: a git repository with one commit per DAG level, and the run's report."""

from __future__ import annotations

import asyncio
from pathlib import Path

import git

from pipeline.agents.plan_rules import path_problem
from pipeline.errors import FactoryError
from pipeline.events import Event, FilesRegenerated, LevelComplete, RunFinished
from pipeline.run_report import render_run_report
from pipeline.store.base import RunStore

REPORT_FILE = "FACTORY_REPORT.md"
AUTHOR = git.Actor("Code Factory", "factory@localhost")
TRAILER = "Factory-Commit"


class GitSink:
    """Commits each completed level (and each /retry) into `out`, idempotently by key."""

    def __init__(self, out: Path, store: RunStore, run_id: str) -> None:
        self.out = out
        self.store = store
        self.run_id = run_id

    async def emit(self, event: Event) -> None:
        if isinstance(event, LevelComplete):
            await self._commit(f"level-{event.level}", event.files, event.message)
        elif isinstance(event, FilesRegenerated):
            await self._commit(event.key, event.files, event.message)
        elif isinstance(event, RunFinished):
            report = await render_run_report(self.store, self.run_id)
            await self._commit(f"report-{event.status.value}", {REPORT_FILE: report},
                               f"factory: report ({event.title})", force=True)

    async def _commit(
        self, key: str, files: dict[str, str], message: str, *, force: bool = False
    ) -> None:
        if not force and key in await self.store.commits(self.run_id):
            return
        for path in files:
            if path != REPORT_FILE and (why := path_problem(path)) is not None:
                raise FactoryError(f"refusing to write {why}")
        sha = await asyncio.to_thread(self._write_and_commit, key, files, message)
        if sha is not None:
            await self.store.mark_committed(self.run_id, key, sha)

    def _write_and_commit(self, key: str, files: dict[str, str], message: str) -> str | None:
        repo = self._repo()
        for path, content in files.items():
            target = self.out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        repo.index.add(sorted(files))
        if repo.head.is_valid() and not repo.index.diff("HEAD"):
            return None  # nothing changed: the same report twice, say
        body = f"{message}\n\n{TRAILER}: {key}\nFactory-Run: {self.run_id}\n"
        commit = repo.index.commit(body, author=AUTHOR, committer=AUTHOR)
        return commit.hexsha

    def _repo(self) -> git.Repo:
        if (self.out / ".git").exists():
            return git.Repo(self.out)
        self.out.mkdir(parents=True, exist_ok=True)
        return git.Repo.init(self.out, initial_branch="main")
