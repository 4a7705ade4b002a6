"""`factory run` on the command line: the offline pipeline end to end, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import git
import pytest

from factory.cli import main
from pipeline.engines.base import Engine
from pipeline.events import Sink
from pipeline.status import EXIT_INTERRUPTED, RunStatus
from pipeline.store.base import RunRecord, RunStore

RECIPES = ("A recipe box with shopping lists and meal plans: save recipes with ingredients, "
           "plan meals for the week and build a shopping list")
pytest_plugins = ["tests.cli_fixtures"]

HABITS = "A habit tracker with daily streaks and notes on each check-in"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["run", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_offline_run_writes_an_app_with_level_commits_and_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "recipes"
    code, summary = run_json(capsys, RECIPES, "--out", str(out))
    assert code == 0, summary
    assert summary["status"] == "succeeded"
    assert 25 <= int(str(summary["dart_files"])) <= 40
    repo = git.Repo(out)
    messages = [c.message.splitlines()[0] for c in reversed(list(repo.iter_commits()))]
    levels = [m for m in messages if m.startswith("factory: level")]
    numbers = [int(m.split()[2].split("/")[0]) for m in levels]
    assert len(levels) >= 4 and numbers == sorted(numbers)
    assert messages[-1].startswith("factory: report")
    report = (out / "FACTORY_REPORT.md").read_text()
    for heading in ("## Critic report", "## Kill gates", "## Plan", "```mermaid", "## Files",
                    "## Judge report", "## Tokens and cost", "## Timings"):
        assert heading in report
    assert "offline: no model was called" in report
    assert (out / "lib" / "main.dart").exists()


def test_two_ideas_give_two_different_apps(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    trees = []
    for name, idea in (("a", RECIPES), ("b", HABITS)):
        code, _ = run_json(capsys, idea, "--out", str(tmp_path / name))
        assert code == 0
        trees.append({p.relative_to(tmp_path / name).as_posix()
                      for p in (tmp_path / name).rglob("*.dart")})
    assert trees[0] != trees[1]
    assert any("recipe" in p for p in trees[0]) and not any("recipe" in p for p in trees[1])
    assert any("habit" in p for p in trees[1])


@pytest.mark.parametrize(("idea", "gate"), [
    ("an app", "min_critic_score"),
    ("A sports betting app with live odds, a casino wallet and bet slips", "compliance_risk"),
])
def test_kill_gates_exit_2_and_name_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], idea: str, gate: str
) -> None:
    code, summary = run_json(capsys, idea, "--out", str(tmp_path / "app"))
    assert code == 2
    assert gate in str(summary["outcome"])
    assert not list((tmp_path / "app").rglob("*.dart"))


def test_the_same_idea_twice_is_killed_by_cannibalization(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_json(capsys, HABITS, "--out", str(tmp_path / "one"))[0] == 0
    code, summary = run_json(capsys, HABITS, "--out", str(tmp_path / "two"))
    assert code == 2 and "cannibalization" in str(summary["outcome"])
    assert "--allow-duplicate" in str(summary["next"])
    code, summary = run_json(capsys, HABITS, "--out", str(tmp_path / "two"), "--allow-duplicate")
    assert code == 0, summary  # the killed run's directory is reused: it built nothing


def test_a_budget_kill_goes_on_with_a_higher_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary = run_json(capsys, HABITS, "--out", str(tmp_path / "a"), "--budget", "0.5")
    assert code == 2 and "budget gate" in str(summary["outcome"])
    run_id = str(summary["run_id"])
    assert f"factory run --resume {run_id} --budget" in str(summary["next"])
    code, summary = run_json(capsys, "--resume", run_id, "--budget", "10")
    assert code == 0 and summary["run_id"] == run_id
    # A new run of the same idea is no duplicate of the killed one either.
    code, summary = run_json(capsys, "A habit tracker with daily streaks and reminders",
                             "--out", str(tmp_path / "b"), "--budget", "0.5")
    assert code == 2 and "budget gate" in str(summary["outcome"])
    code, summary = run_json(capsys, "A habit tracker with daily streaks and reminders",
                             "--out", str(tmp_path / "c"), "--budget", "0.5", "--allow-duplicate")
    assert "budget gate" in str(summary["outcome"])


def test_a_duplicate_of_an_unfinished_run_points_at_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "no-retries.yml").write_text("retries_per_file: 0\n")
    code, first = run_json(capsys, HABITS, "--out", str(tmp_path / "a"), "--fault-rate", "1",
                           "--config", str(tmp_path / "no-retries.yml"))
    assert code == 1, first  # every file's only attempt is broken
    code, summary = run_json(capsys, HABITS, "--out", str(tmp_path / "b"))
    assert code == 2
    assert f"factory run --resume {first['run_id']} goes on with that run" in str(summary["next"])


def test_an_out_holding_an_unfinished_run_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, first = run_json(capsys, HABITS, "--out", str(tmp_path / "a"), "--budget", "0.5")
    assert code == 2
    (tmp_path / "a" / "notes.txt").write_text("mine")
    assert main(["run", RECIPES, "--out", str(tmp_path / "a")]) == 3
    err = capsys.readouterr().err
    assert f"holds run {first['run_id']} (killed): go on with it (factory run --resume" in err


def test_faults_are_retried_and_the_run_still_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "app"
    code, summary = run_json(capsys, RECIPES, "--out", str(out), "--fault-rate", "0.3",
                             "--seed", "7")
    assert code == 0, summary
    report = (out / "FACTORY_REPORT.md").read_text()
    retried = int(report.split(" file(s) needed more than one attempt")[0].rsplit("\n", 1)[-1])
    assert retried > 0


@pytest.mark.parametrize(("argv", "message"), [
    (["   ", "--out", "{tmp}/x"], "the idea is empty"),
    ([RECIPES], "--out DIR is required"),
    ([RECIPES, "--out", "{tmp}/full"], "is not empty"),
    ([RECIPES, "--out", "{tmp}/file.txt"], "it is a file, not a directory"),
    (["--resume", "r-nosuchrun0"], "no run r-nosuchrun0"),
    ([RECIPES, "--out", "{tmp}/x", "--config", "{tmp}/broken.yml"], "is not valid"),
])
def test_bad_input_is_one_line_and_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "broken.yml").write_text("budget_usd: [")
    code = main(["run", *[a.format(tmp=tmp_path) for a in argv]])
    err = capsys.readouterr().err
    assert code == 3
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 2


def test_an_unwritable_out_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # /proc refuses new directories even to root, unlike a chmod-ed temp directory.
    code = main(["run", RECIPES, "--out", "/proc/factory-test/app"])
    assert code == 3 and "cannot take the app" in capsys.readouterr().err


def test_the_console_script_prints_help() -> None:
    result = subprocess.run([sys.executable, "-m", "factory.cli", "--help"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and "run" in result.stdout


@pytest.mark.parametrize("argv", [["run", "--budget", "abc", "idea"], [], ["nope"],
                                  ["run", "idea", "--out", "x", "--concurrency", "0"]])
def test_usage_mistakes_are_one_line_and_exit_3(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        code = main(argv)
        raise SystemExit(code)
    err = capsys.readouterr().err
    assert info.value.code == 3
    assert len(err.strip().splitlines()) == 1 and "error" in err


def test_a_vague_harmful_idea_is_named_by_the_compliance_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary = run_json(capsys, "An online casino with sports betting", "--out",
                             str(tmp_path / "app"))
    assert code == 2 and "compliance_risk" in str(summary["outcome"])


def test_a_local_run_is_never_left_where_a_worker_could_claim_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import factory.commands.run as run_command

    claims: list[object] = []
    original = run_command.execute_run

    async def execute_with_a_worker_watching(
        store: RunStore, run: RunRecord, sink: Sink, engine: Engine, sdk: object = None
    ) -> RunStatus:
        claims.append(await store.claim("a-worker", 30))
        return await original(store, run, sink, engine)

    monkeypatch.setattr(run_command, "execute_run", execute_with_a_worker_watching)
    assert main(["run", HABITS, "--out", str(tmp_path / "a")]) == 0
    assert claims == [None]


def test_an_interrupted_run_resumes_in_the_foreground(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import factory.commands.run as run_command

    original = run_command.execute_run

    async def interrupted(store: RunStore, run: RunRecord, sink: Sink, engine: Engine,
                          sdk: object = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run_command, "execute_run", interrupted)
    assert main(["run", HABITS, "--out", str(tmp_path / "a")]) == EXIT_INTERRUPTED
    err = capsys.readouterr().err
    run_id = err.split("factory run --resume ")[1].split()[0]
    monkeypatch.setattr(run_command, "execute_run", original)
    code, summary = run_json(capsys, "--resume", run_id)
    assert code == 0 and summary["run_id"] == run_id


def test_with_redis_configured_the_run_streams_its_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import redis

    url = "redis://127.0.0.1:6379/0"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except (redis.ConnectionError, OSError) as exc:
        pytest.skip(f"Redis is not reachable at {url}: {exc}")
    monkeypatch.setenv("FACTORY_REDIS_URL", url)
    try:
        code, summary = run_json(capsys, HABITS, "--out", str(tmp_path / "a"))
        assert code == 0
        entries = client.xrange(f"factory:runs:{summary['run_id']}")
        kinds = [fields[b"kind"].decode() for _, fields in entries]
        assert kinds[0] == "run_started" and kinds[-1] == "run_finished"
        assert kinds.count("level_complete") >= 4
    finally:
        client.close()
