"""A real bare git repository that stores what the GitHub fake's Git Data API creates."""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

EMPTY_TREE_MODE = "040000"


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    tree: str
    parents: list[str]
    message: str
    author: str
    email: str


class GitRepo:
    """Plumbing on a bare repository: blobs, trees, commits and refs, all real git objects."""

    def __init__(self, path: Path, default_branch: str = "main") -> None:
        self.path = path
        self.default_branch = default_branch
        path.mkdir(parents=True, exist_ok=True)
        self._git("init", "--bare", "--quiet", f"--initial-branch={default_branch}")

    def _git(
        self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
    ) -> str:
        done = subprocess.run(
            ["git", "--git-dir", str(self.path), *args], input=stdin, capture_output=True,
            check=False, env={**os.environ, **(env or {})},
        )
        if done.returncode != 0:
            raise GitFailure(done.stderr.decode(errors="replace").strip())
        return done.stdout.decode().strip()

    # -- objects ------------------------------------------------------------------------------
    def blob(self, content: bytes) -> str:
        return self._git("hash-object", "-w", "--stdin", stdin=content)

    def tree(self, base_tree: str | None, entries: list[tuple[str, str, str | None]]) -> str:
        """A new tree: `base_tree` with (path, mode, blob sha or None to delete) applied."""
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if base_tree:
                self._git("read-tree", base_tree, env=env)
            else:
                self._git("read-tree", "--empty", env=env)
            for path, mode, sha in entries:
                if sha is None:
                    self._git("update-index", "--force-remove", "--", path, env=env)
                else:
                    info = f"{mode},{sha},{path}"
                    self._git("update-index", "--add", "--cacheinfo", info, env=env)
            return self._git("write-tree", env=env)

    def commit(self, message: str, tree: str, parents: list[str], name: str, email: str) -> str:
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
               "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
        return self._git(*args, stdin=message.encode(), env=env)

    def object_type(self, sha: str) -> str | None:
        try:
            return self._git("cat-file", "-t", sha)
        except GitFailure:
            return None

    def commit_info(self, sha: str) -> CommitInfo:
        fields = self._git("show", "-s", "--format=%T%x00%P%x00%an%x00%ae%x00%B", sha)
        tree, parents, author, email, message = fields.split("\x00", 4)
        return CommitInfo(sha=self._git("rev-parse", sha), tree=tree, parents=parents.split(),
                          message=message.strip(), author=author, email=email)

    # -- refs ---------------------------------------------------------------------------------
    def ref(self, name: str) -> str | None:
        """The sha a ref (`refs/heads/x`) points to, or None."""
        try:
            return self._git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
        except GitFailure:
            return None

    def set_ref(self, name: str, sha: str) -> None:
        self._git("update-ref", name, sha)

    def is_ancestor(self, older: str, newer: str) -> bool:
        try:
            self._git("merge-base", "--is-ancestor", older, newer)
        except GitFailure:
            return False
        return True

    # -- reading back -------------------------------------------------------------------------
    def read(self, rev: str, path: str) -> bytes | None:
        """A file's bytes at a revision, or None when it is not there."""
        done = subprocess.run(["git", "--git-dir", str(self.path), "show", f"{rev}:{path}"],
                              capture_output=True, check=False)
        return done.stdout if done.returncode == 0 else None

    def log(self, rev: str) -> list[str]:
        """Shas from `rev` back to the root, newest first."""
        return self._git("rev-list", rev).split()

    def changed(self, sha: str) -> list[str]:
        """Paths a commit changed against its first parent (all files for a root commit)."""
        return self._git("diff-tree", "--root", "--no-commit-id", "--name-only", "-r", sha).split()

    def files(self, rev: str) -> list[str]:
        return self._git("ls-tree", "-r", "--name-only", rev).split()

    def seed(self, files: dict[str, str], message: str = "Initial commit") -> str:
        """Commit `files` on the default branch (the repository's first commit)."""
        entries = [(p, "100644", self.blob(c.encode())) for p, c in files.items()]
        head = self.ref(f"refs/heads/{self.default_branch}")
        base = self.commit_info(head).tree if head else None
        sha = self.commit(message, self.tree(base, entries), [head] if head else [],
                          "Octocat", "octocat@github.com")
        self.set_ref(f"refs/heads/{self.default_branch}", sha)
        return sha


class GitFailure(Exception):
    """A git command failed."""
