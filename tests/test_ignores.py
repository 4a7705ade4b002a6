"""Secrets (the App's key, .env) and run data never reach git or the Docker build context."""

import fnmatch
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECRETS = ["github-app.private-key.pem", "keys/code-factory.2026-01-01.private-key.pem",
           ".env", "deploy/.env", ".env.production", ".factory/runs.db", "data/runs.db"]
KEPT = ["app.yml", "compose.yaml", "pipeline/config.py", "docs/github-app.md"]


def _docker_ignored(path: str) -> bool:
    """Docker's rule for our patterns: a pattern matches the path or one of its parents
    (`**/` matches any number of folders, none included); a later `!` pattern re-includes."""
    ignored = False
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!")
        variants = {pattern, pattern.removeprefix("**/")}
        if any(fnmatch.fnmatchcase(p, v) for p in prefixes for v in variants):
            ignored = not negate
    return ignored


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("path", SECRETS)
def test_git_ignores_keys_env_and_data(path: str) -> None:
    check = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT)
    assert check.returncode == 0, f"git would track {path}"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("path", KEPT)
def test_git_keeps_the_sources(path: str) -> None:
    check = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT)
    assert check.returncode == 1, f"git ignores {path}"


@pytest.mark.parametrize("path", SECRETS)
def test_docker_context_leaves_out_keys_env_and_data(path: str) -> None:
    assert _docker_ignored(path), f"docker build would copy {path}"


@pytest.mark.parametrize("path", KEPT)
def test_docker_context_keeps_the_sources(path: str) -> None:
    assert not _docker_ignored(path)
