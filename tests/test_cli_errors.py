"""Every failure a user can cause: one line on stderr, no traceback, a documented exit code.

Each case runs the real console entry point in a subprocess, so argv decoding, the
environment and the exit code are exactly what a shell sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.status import EXIT_ERROR

RECIPES = "A recipe box with shopping lists and meal plans"
PG = "postgresql+asyncpg://{user}@127.0.0.1:5432/{database}"


def factory(
    *argv: str | bytes, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "factory.cli", *argv], env=env, cwd=cwd,
                          capture_output=True, text=True, errors="replace", check=False,
                          timeout=120)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("FACTORY_", "ANTHROPIC_"))}
    return {**clean, "FACTORY_DATA_DIR": str(tmp_path / "data")}


CASES: list[tuple[str, list[str | bytes], dict[str, str], str]] = [
    ("non-UTF-8 idea", [b"a recipe box \xff\xfe with lists", "--out", "{tmp}/app"], {},
     "the idea is not UTF-8 text (an undecodable byte at character 14)"),
    ("oversized idea", ["word " * 2_000, "--out", "{tmp}/app"], {},
     "the idea is 9,999 characters, more than the 4,000 allowed"),
    ("empty idea", ["  ", "--out", "{tmp}/app"], {}, "the idea is empty"),
    ("binary config file", [RECIPES, "--out", "{tmp}/app", "--config", "{tmp}/binary.yml"], {},
     "config file {tmp}/binary.yml is not UTF-8 text (byte 0xff at offset 0)"),
    ("FACTORY_DATA_DIR is a file", [RECIPES, "--out", "{tmp}/app"],
     {"FACTORY_DATA_DIR": "{tmp}/a-file"},
     "FACTORY_DATA_DIR {tmp}/a-file cannot hold the run store: it is a file, not a directory"),
    # /proc refuses new directories even to root, unlike a chmod-ed temp directory.
    ("FACTORY_DATA_DIR not writable", [RECIPES, "--out", "{tmp}/app"],
     {"FACTORY_DATA_DIR": "/proc/factory-test"},
     "FACTORY_DATA_DIR /proc/factory-test cannot hold the run store: it cannot be created"),
    ("negative --budget", [RECIPES, "--out", "{tmp}/app", "--budget", "-1"], {},
     "invalid config in the command line: --budget: Input should be greater than or equal to 0"),
    ("--resume with an idea", [RECIPES, "--resume", "r-abc"], {},
     "--resume r-abc goes on with that run's own idea"),
    ("--resume of no run", ["--resume", "r-nosuchrun0"], {}, "no run r-nosuchrun0"),
]


@pytest.mark.parametrize(("argv", "environ", "line"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_exit_3(
    tmp_path: Path, env: dict[str, str], argv: list[str | bytes], environ: dict[str, str],
    line: str,
) -> None:
    (tmp_path / "binary.yml").write_bytes(b"\xff\xd8\xff\xe0 not a config")
    (tmp_path / "a-file").write_text("x")
    env.update({k: v.format(tmp=tmp_path) for k, v in environ.items()})
    args = [a.format(tmp=tmp_path) if isinstance(a, str) else a for a in argv]
    result = factory("run", *args, env=env, cwd=tmp_path)
    assert result.returncode == EXIT_ERROR, result.stderr
    [only] = result.stderr.strip().splitlines()
    assert only.startswith("factory: error: ") and line.format(tmp=tmp_path) in only
    assert not (tmp_path / "app").exists()  # nothing left behind


@pytest.mark.parametrize(("user", "database", "line"), [
    ("nobody_here", "test", 'role "nobody_here" does not exist'),
    ("postgres", "no_such_database", 'database "no_such_database" does not exist'),
])
def test_a_database_that_refuses_us_is_one_line(
    tmp_path: Path, env: dict[str, str], user: str, database: str, line: str
) -> None:
    env["FACTORY_DATABASE_URL"] = PG.format(user=user, database=database)
    result = factory("run", RECIPES, "--out", str(tmp_path / "app"), env=env, cwd=tmp_path)
    if "Connect call failed" in result.stderr:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    assert result.returncode == EXIT_ERROR
    [only] = result.stderr.strip().splitlines()
    assert only.startswith("factory: error: cannot open the run store at postgresql+asyncpg://")
    assert line in only and "check FACTORY_DATABASE_URL" in only


def test_a_closed_port_is_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    env["FACTORY_DATABASE_URL"] = "postgresql+asyncpg://postgres@127.0.0.1:1/test"
    result = factory("runs", env=env, cwd=tmp_path)
    assert result.returncode == EXIT_ERROR
    [only] = result.stderr.strip().splitlines()
    assert only.startswith("factory: error: cannot open the run store") and "127.0.0.1" in only


def test_debug_adds_the_traceback(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "binary.yml").write_bytes(b"\xff")
    argv = ["run", RECIPES, "--out", str(tmp_path / "app"),
            "--config", str(tmp_path / "binary.yml")]
    quiet = factory(*argv, env=env, cwd=tmp_path)
    loud = factory(*argv, "--debug", env=env, cwd=tmp_path)
    assert "Traceback" not in quiet.stderr
    assert loud.returncode == EXIT_ERROR and "Traceback" in loud.stderr
    assert loud.stderr.strip().splitlines()[-1] == quiet.stderr.strip()
