"""The GitHub publisher driven by synthetic pipeline events against the GitHub fake."""

from __future__ import annotations

import pytest

from bot.branch import Branch
from bot.check_output import CHECK_NAME
from bot.comments import COMMENT_LIMIT, marker
from bot.errors import UnsafePath
from bot.github import GitHub
from bot.publisher import GitHubPublisher
from pipeline.answers import CriticReport, FileSpec, Plan
from pipeline.config import FactoryConfig
from pipeline.events import (
    CriticReported,
    FileDone,
    FileFailed,
    Finding,
    GateDecided,
    JudgeReported,
    LevelComplete,
    PlanApproved,
    Progress,
    RunFinished,
    RunStarted,
    StageStarted,
)
from pipeline.status import RunStatus, Stage
from pipeline.store.base import RunRecord, RunStore
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_values import INSTALLATION_ID, REPO

pytest_plugins = ["tests.github_fixtures"]

BRANCH = "factory/issue-1-recipe-box"
PLAN = Plan(
    app_name="recipe_box", title="Recipe box", summary="Save recipes.",
    files=[
        FileSpec(path="pubspec.yaml", purpose="deps"),
        FileSpec(path="lib/models/recipe.dart", purpose="model"),
        FileSpec(path="lib/screens/list_screen.dart", purpose="list",
                 depends_on=["lib/models/recipe.dart"]),
        FileSpec(path="lib/main.dart", purpose="entry",
                 depends_on=["lib/screens/list_screen.dart"]),
    ],
)
LEVELS = [["pubspec.yaml", "lib/models/recipe.dart"], ["lib/screens/list_screen.dart"],
          ["lib/main.dart"]]


@pytest.fixture
async def run(store: RunStore, repo: Repo) -> RunRecord:
    repo.open_issue("Recipe box", "Save recipes")
    return await store.create_run(
        "Recipe box\n\nSave recipes", "offline", FactoryConfig().model_dump(mode="json"),
        {"kind": "github", "installation_id": INSTALLATION_ID, "repo": REPO, "issue": 1,
         "branch": BRANCH, "default_branch": "main"},
    )


@pytest.fixture
def publisher(gh: GitHub, store: RunStore, run: RunRecord) -> GitHubPublisher:
    return GitHubPublisher(gh, store, run, min_interval_s=3600)


def level(n: int) -> LevelComplete:
    files = {path: f"// {path} v1\n" for path in LEVELS[n - 1]}
    return LevelComplete(run_id="r", level=n, levels=len(LEVELS), files=files,
                         message=f"factory: level {n}/{len(LEVELS)}")


def finished(status: RunStatus, title: str, gate: str | None = None) -> RunFinished:
    return RunFinished(run_id="r", status=status, title=title, summary="why: " + title,
                       gate=gate)


def critic(markdown: str = "## Critic\nscores") -> CriticReported:
    report = CriticReport.model_construct(criteria=[], summary="fine")
    return CriticReported(run_id="r", report=report, markdown=markdown)


async def test_start_opens_branch_draft_pr_and_check(
    publisher: GitHubPublisher, fake_github: FakeGitHub, repo: Repo, store: RunStore,
    run: RunRecord,
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    commits = repo.branch_commits(BRANCH)
    assert len(commits) == 1 and repo.git.changed(commits[0]) == []
    [pull] = repo.pulls.values()
    assert pull["draft"] is True and "Closes #1" in pull["body"] and pull["head"] == BRANCH
    [check] = repo.check_runs.values()
    assert (check["name"], check["status"], check["head_sha"]) == (
        CHECK_NAME, "in_progress", commits[0])
    assert check["external_id"] == run.id
    saved = (await store.get_run(run.id)).origin
    assert saved["pr"] == pull["number"] and saved["check_run_id"] == check["id"]


async def test_one_commit_per_level_never_twice(
    publisher: GitHubPublisher, fake_github: FakeGitHub, repo: Repo, store: RunStore,
    run: RunRecord,
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    await publisher.emit(PlanApproved(run_id=run.id, plan=PLAN, levels=LEVELS, markdown="p"))
    for n in (1, 2, 3):
        await publisher.emit(level(n))
    await publisher.emit(level(2))  # a replayed event: already committed
    commits = repo.branch_commits(BRANCH)[1:]
    assert [sorted(repo.git.changed(sha)) for sha in commits] == [sorted(g) for g in LEVELS]
    assert repo.git.read(BRANCH, "lib/main.dart") == b"// lib/main.dart v1\n"
    assert set(await store.commits(run.id)) == {"level-1", "level-2", "level-3"}
    trees = fake_github.called("git/create-tree")
    assert len(trees) == 3 and all("content" in e for c in trees for e in c.body["tree"])
    head = repo.git.ref(f"refs/heads/{BRANCH}")
    live = [c for c in repo.check_runs.values() if c["status"] == "in_progress"]
    assert [c["head_sha"] for c in live] == [head]
    superseded = [c for c in repo.check_runs.values() if c["conclusion"] == "neutral"]
    assert len(superseded) == 3
    assert "mermaid" in live[0]["output"]["text"]


async def test_a_level_that_landed_before_a_crash_is_not_committed_again(
    publisher: GitHubPublisher, gh: GitHub, repo: Repo, store: RunStore, run: RunRecord,
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    event = level(1)
    await Branch(gh, REPO, BRANCH, "main", run.id).commit("level-1", event.files, event.message)
    await publisher.emit(event)
    assert len(repo.branch_commits(BRANCH)) == 2
    assert "level-1" in await store.commits(run.id)


async def test_a_new_run_on_the_same_branch_commits_its_own_levels(
    gh: GitHub, publisher: GitHubPublisher, repo: Repo, store: RunStore, run: RunRecord,
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    await publisher.emit(level(1))
    again = await store.create_run(run.idea, "offline", run.config, run.origin)
    second = GitHubPublisher(gh, store, again, min_interval_s=3600)
    await second.emit(RunStarted(run_id=again.id, idea=run.idea, engine="offline"))
    await second.emit(level(1).model_copy(update={"files": {"lib/main.dart": "// v2\n"}}))
    assert len(repo.branch_commits(BRANCH)) == 3  # start, run 1 level 1, run 2 level 1
    assert repo.git.read(BRANCH, "lib/main.dart") == b"// v2\n"
    assert len(repo.pulls) == 1


async def test_unsafe_paths_are_refused(
    publisher: GitHubPublisher, repo: Repo, run: RunRecord
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    for path in (".github/workflows/ci.yml", "../escape.dart", "/etc/passwd"):
        bad = LevelComplete(run_id=run.id, level=1, levels=1, files={path: "x"}, message="m")
        with pytest.raises(UnsafePath):
            await publisher.emit(bad)
    assert len(repo.branch_commits(BRANCH)) == 1


async def test_annotations_go_out_fifty_at_a_time(
    publisher: GitHubPublisher, fake_github: FakeGitHub, repo: Repo, run: RunRecord,
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    findings = [Finding(path="lib/main.dart", line=i + 1, message=f"problem {i}")
                for i in range(120)]
    await publisher.emit(FileFailed(run_id=run.id, path="lib/main.dart", attempts=3,
                                    feedback="still wrong", findings=findings))
    await publisher.emit(finished(RunStatus.FAILED, "1 file(s) failed review"))
    [check] = repo.check_runs.values()
    assert len(check["annotations"]) == 121
    sizes = [len(c.body["output"].get("annotations", [])) for c in
             fake_github.called("checks/update")]
    assert max(sizes) == 50 and sum(sizes) == 121
    assert check["annotations"][0]["annotation_level"] == "failure"
    assert check["conclusion"] == "failure"


async def test_kill_gate_fails_the_check_comments_and_commits_no_code(
    publisher: GitHubPublisher, repo: Repo, run: RunRecord,
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    await publisher.emit(critic())
    await publisher.emit(GateDecided(run_id=run.id, gate="min_critic_score", passed=False,
                                     reason="average 4.2 is below 6.0"))
    await publisher.emit(finished(RunStatus.KILLED, "Killed by the min_critic_score gate",
                                  gate="min_critic_score"))
    [check] = repo.check_runs.values()
    assert check["conclusion"] == "failure"
    assert "min_critic_score" in check["output"]["title"]
    assert "why: Killed" in check["output"]["summary"]
    assert "average 4.2" in check["output"]["summary"]
    [issue_comment] = repo.comments_on(1)
    assert "min_critic_score" in issue_comment["body"]
    assert all(repo.git.changed(sha) == [] for sha in repo.branch_commits(BRANCH))
    assert next(iter(repo.pulls.values()))["draft"] is True


async def test_judge_pass_succeeds_and_marks_ready_and_edits_in_place(
    publisher: GitHubPublisher, fake_github: FakeGitHub, repo: Repo, run: RunRecord,
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    await publisher.emit(critic("x" * (COMMENT_LIMIT + 500)))
    await publisher.emit(JudgeReported(run_id=run.id, score=88, passed=True, threshold=80,
                                       markdown="## Judge 88/100"))
    await publisher.emit(JudgeReported(run_id=run.id, score=91, passed=True, threshold=80,
                                       markdown="## Judge 91/100"))
    await publisher.emit(finished(RunStatus.SUCCEEDED, "Judge passed: 91/100"))
    [pull] = repo.pulls.values()
    comments = repo.comments_on(pull["number"])
    assert len(comments) == 2
    assert len(comments[0]["body"]) == COMMENT_LIMIT and "truncated" in comments[0]["body"]
    assert comments[1]["body"] == f"{marker(run.id, 'judge')}\n## Judge 91/100"
    assert comments[1]["edits"] == 1
    [check] = repo.check_runs.values()
    assert (check["conclusion"], check["output"]["title"]) == ("success", "Judge passed: 91/100")
    assert pull["draft"] is False
    assert [c.operation for c in fake_github.calls][-1] == "graphql"


async def test_updates_are_coalesced_but_stage_changes_always_go_out(
    publisher: GitHubPublisher, fake_github: FakeGitHub, run: RunRecord,
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    for i in range(30):
        await publisher.emit(Progress(
            run_id=run.id, stage=Stage.CODEGEN, level=1, levels=3, files_total=4,
            files_done=i % 4, files_failed=0, files_retrying=0, tokens=1000 * i,
            cost_usd=0.01 * i, elapsed_s=float(i)))
        await publisher.emit(FileDone(run_id=run.id, path="lib/main.dart", attempts=1))
    assert fake_github.called("checks/update") == []
    await publisher.emit(StageStarted(run_id=run.id, stage=Stage.JUDGE, elapsed_s=31.0))
    [update] = fake_github.called("checks/update")
    summary = update.body["output"]["summary"]
    assert "| judge | 1/3 | 1/4 | 0 | 0 | 29,000 | $0.29 | 31s |" in summary


async def test_progress_patches_at_most_once_per_interval(
    gh: GitHub, store: RunStore, run: RunRecord, fake_github: FakeGitHub,
) -> None:
    publisher = GitHubPublisher(gh, store, run, min_interval_s=0.0)
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    await publisher.emit(FileDone(run_id=run.id, path="lib/main.dart", attempts=1))
    assert len(fake_github.called("checks/update")) == 1
