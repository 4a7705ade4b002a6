"""Code generation: every planned file along the DAG, level commits in order, and /retry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline.agents.executor import build_file
from pipeline.answers import Plan
from pipeline.checks import check_files
from pipeline.context import RunContext
from pipeline.dag import Dag
from pipeline.events import (
    Event,
    FileDone,
    FileFailed,
    FileRetrying,
    FilesBlocked,
    FilesRegenerated,
    LevelComplete,
    Progress,
)
from pipeline.scheduler import run_dag
from pipeline.status import FileStatus, Stage


def plan_dag(plan: Plan) -> Dag:
    """The plan's dependency graph (the plan was validated, so it is acyclic and closed)."""
    return Dag({f.path: f.depends_on for f in plan.files})


@dataclass
class CodegenResult:
    files: dict[str, str]
    failed: list[str]
    blocked: list[str]
    waits: dict[str, list[str]] = field(default_factory=dict)
    """Each blocked file with the failed files it waits on."""
    unchanged: list[str] = field(default_factory=list)
    """Files a /retry regenerated with the content they already had (nothing to commit)."""

    @property
    def changed_nothing(self) -> bool:
        """A /retry whose every regenerated file came out as it was: no commit, no new Judge."""
        return bool(self.unchanged) and not self.failed and not self.blocked


@dataclass
class _Tally:
    total: int
    done: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    retrying: set[str] = field(default_factory=set)
    level: int = 1

    def observe(self, event: Event) -> None:
        if isinstance(event, FileRetrying):
            self.retrying.add(event.path)
        elif isinstance(event, FileDone | FileFailed):
            self.retrying.discard(event.path)


class Codegen:
    """Generates a plan's files for one run; resumable from the store at any point."""

    def __init__(self, ctx: RunContext, plan: Plan) -> None:
        self.ctx = ctx
        self.plan = plan
        self.dag = plan_dag(plan)
        self.groups = self.dag.by_level()
        self.contents: dict[str, str] = {}
        self.drafts: dict[str, str] = {}
        """Bodies written for unfinished files, possibly never reviewed (the run died)."""
        self.tally = _Tally(total=len(plan.files))
        ctx.observers.append(self.tally.observe)

    async def _load(self) -> dict[str, FileStatus]:
        """Record the planned files (once) and read back what earlier executions finished."""
        rows = [(f.path, self.dag.levels[f.path], f.model_dump()) for f in self.plan.files]
        await self.ctx.store.save_files(self.ctx.run_id, rows)
        statuses = {}
        for record in await self.ctx.store.files(self.ctx.run_id):
            statuses[record.path] = record.status
            if record.content is None:
                continue
            if record.status is FileStatus.DONE:
                self.contents[record.path] = record.content
            else:
                self.drafts[record.path] = record.content
        return statuses

    async def generate(self) -> CodegenResult:
        """Generate every file not yet done, committing each level as soon as it completes."""
        await self._load()
        self.tally.done = set(self.contents)
        committed = await self.ctx.store.commits(self.ctx.run_id)
        next_level = 1

        async def work(path: str) -> bool:
            if path in self.contents:
                return True
            result = await build_file(self.ctx, self.plan, self.plan.spec(path), self.contents,
                                      draft=self.drafts.pop(path, None))
            if result.ok:
                self.contents[path] = result.content
            return result.ok

        async def settled(path: str, ok: bool) -> None:
            nonlocal next_level
            (self.tally.done if ok else self.tally.failed).add(path)
            waiting = self._waiting()
            while next_level <= len(self.groups) and all(
                p in self.tally.done or p in self.tally.failed or p in waiting
                for p in self.groups[next_level - 1]
            ):
                if f"level-{next_level}" not in committed:
                    await self._commit_level(next_level)
                next_level += 1
            self.tally.level = min(next_level, len(self.groups))
            await self.progress()

        outcome = await run_dag(self.dag, work, self.ctx.config.concurrency, settled)
        return await self._finish(outcome.failed, outcome.blocked)

    def _waiting(self) -> dict[str, list[str]]:
        """Each file that can no longer be built, with the failed files it depends on."""
        waiting: dict[str, list[str]] = {}
        for failed in sorted(self.tally.failed):
            for path in self.dag.dependents(failed):
                waiting.setdefault(path, []).append(failed)
        return waiting

    async def _commit_level(self, level: int) -> None:
        paths = [p for p in self.groups[level - 1] if p in self.contents]
        if not paths:
            return
        waiting = self._waiting()
        held = [p for p in self.groups[level - 1] if p in waiting]
        message = (f"factory: level {level}/{len(self.groups)} "
                   f"({len(paths)} file{'' if len(paths) == 1 else 's'})")
        if held:
            message += "\n\nWaiting on a failed file: " + "; ".join(
                f"{p} on {', '.join(waiting[p])}" for p in held)
        await self.ctx.emit(LevelComplete(
            run_id=self.ctx.run_id, level=level, levels=len(self.groups),
            files={p: self.contents[p] for p in paths}, message=message,
        ))

    async def _finish(self, failed: set[str], blocked: set[str]) -> CodegenResult:
        for path in sorted(blocked):
            await self.ctx.store.set_file(self.ctx.run_id, path, FileStatus.BLOCKED)
        waits = {p: sorted(self.dag.closure(p) & failed) for p in sorted(blocked)}
        if blocked:
            await self.ctx.emit(FilesBlocked(
                run_id=self.ctx.run_id, paths=sorted(blocked),
                because="a file they depend on failed: " + "; ".join(
                    f"{p} waits on {', '.join(w) or 'a missing dependency'}"
                    for p, w in waits.items()),
            ))
        return CodegenResult(dict(self.contents), sorted(failed), sorted(blocked), waits)

    async def retry(self, paths: list[str], note: str | None, *,
                    notes: Mapping[str, str] | None = None, key: str = "retry",
                    verb: str = "regenerate") -> CodegenResult:
        """Regenerate `paths` (with the user's note, or each path's own in `notes`), then every
        file that was blocked or whose static checks break against the new contents; commit all
        of it as one commit keyed `<key>-<n>` (a /retry's, or a CI repair round's)."""
        statuses = await self._load()
        before = dict(self.contents)
        targets = set(paths) | {p for p, s in statuses.items() if s is not FileStatus.DONE}
        for path in targets:
            self.contents.pop(path, None)
        asked = {p: (notes or {}).get(p, note) for p in paths}
        changed = await self._regenerate(targets, asked)
        stale = {
            d for p in paths for d in self.dag.dependents(p)
            if d in self.contents and d not in changed
            and any(x.severity == "error" for x in check_files(self.contents, only={d}))
        }
        if stale:
            for path in stale:
                self.contents.pop(path)
            changed |= await self._regenerate(stale, dict.fromkeys(stale))
        unchanged = {p for p in changed if before.get(p) == self.contents[p]}
        changed -= unchanged
        if changed:
            commits = await self.ctx.store.commits(self.ctx.run_id)
            number = sum(k.startswith(f"{key}-") for k in commits) + 1
            await self.ctx.emit(FilesRegenerated(
                run_id=self.ctx.run_id, key=f"{key}-{number}",
                files={p: self.contents[p] for p in sorted(changed)},
                message=f"factory: {verb} " + ", ".join(sorted(changed)),
            ))
        missing = (targets | stale) - set(self.contents)
        # Blocked: never generated because a dependency is missing; failed: every attempt lost.
        blocked = {p for p in missing if any(d not in self.contents for d in self.dag.deps[p])}
        result = await self._finish(missing - blocked, blocked)
        result.unchanged = [] if changed else sorted(unchanged)
        return result

    async def _regenerate(self, targets: set[str], fresh: Mapping[str, str | None]) -> set[str]:
        """Build `targets` along their own DAG; those in `fresh` anew, each with its note."""
        sub = Dag({p: [d for d in self.dag.deps[p] if d in targets] for p in targets})
        missing_deps = {
            p for p in targets for d in self.dag.deps[p]
            if d not in targets and d not in self.contents
        }
        changed: set[str] = set()

        async def work(path: str) -> bool:
            if path in missing_deps:
                return False
            result = await build_file(
                self.ctx, self.plan, self.plan.spec(path), self.contents,
                fresh=path in fresh, note=fresh.get(path),
            )
            if result.ok:
                self.contents[path] = result.content
                changed.add(path)
            return result.ok

        await run_dag(sub, work, self.ctx.config.concurrency)
        return changed

    async def progress(self) -> None:
        """Emit a progress snapshot for live displays."""
        spent = self.ctx.spent
        await self.ctx.emit(Progress(
            run_id=self.ctx.run_id, stage=Stage.CODEGEN, level=self.tally.level,
            levels=len(self.groups), files_total=self.tally.total,
            files_done=len(self.tally.done), files_failed=len(self.tally.failed),
            files_retrying=len(self.tally.retrying), tokens=spent.total_tokens,
            cost_usd=round(spent.cost_usd, 4),
            elapsed_s=round(self.ctx.elapsed(), 2),
        ))
