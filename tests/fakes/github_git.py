"""The GitHub fake's Git Data and contents endpoints, writing real objects into a bare repo."""

from __future__ import annotations

import base64
from typing import Any

from tests.fakes.github_state import Repo

Answer = tuple[int, Any]


class Refused(Exception):
    """GitHub would answer this request with an error status."""

    def __init__(self, status: int, message: str, errors: list[Any] | None = None,
                 headers: dict[str, str] | None = None,
                 documentation_url: str = "https://docs.github.com/rest") -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}
        self.body: dict[str, Any] = {"message": message, "documentation_url": documentation_url}
        if errors is not None:
            self.body["errors"] = errors


def _ref_json(repo: Repo, ref: str, sha: str) -> dict[str, Any]:
    return {"ref": ref, "node_id": f"REF_{sha[:8]}",
            "url": f"https://api.github.com/repos/{repo.full_name}/git/{ref}",
            "object": {"sha": sha, "type": "commit"}}


def commit_json(repo: Repo, sha: str) -> dict[str, Any]:
    info = repo.git.commit_info(sha)
    person = {"name": info.author, "email": info.email, "date": "2026-01-01T00:00:00Z"}
    return {"sha": info.sha, "node_id": f"C_{info.sha[:8]}", "message": info.message,
            "tree": {"sha": info.tree}, "parents": [{"sha": p} for p in info.parents],
            "author": person, "committer": person,
            "html_url": f"https://github.com/{repo.full_name}/commit/{info.sha}"}


async def get_ref(repo: Repo, params: dict[str, str], body: Any) -> Answer:
    ref = "refs/" + params["ref"]
    sha = repo.git.ref(ref)
    if sha is None:
        raise Refused(404, "Not Found")
    return 200, _ref_json(repo, ref, sha)


async def create_ref(repo: Repo, params: dict[str, str], body: Any) -> Answer:
    ref, sha = body["ref"], body["sha"]
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise Refused(422, "Reference name must start with 'refs/' and have two slashes")
    if repo.git.ref(ref) is not None:
        raise Refused(422, "Reference already exists")
    if repo.git.object_type(sha) != "commit":
        raise Refused(422, "Object does not exist")
    repo.git.set_ref(ref, sha)
    return 201, _ref_json(repo, ref, sha)


async def update_ref(repo: Repo, params: dict[str, str], body: Any) -> Answer:
    ref = "refs/" + params["ref"]
    old = repo.git.ref(ref)
    if old is None:
        raise Refused(422, "Reference does not exist")
    new = body["sha"]
    if repo.git.object_type(new) != "commit":
        raise Refused(422, "Object does not exist")
    if not body.get("force") and not repo.git.is_ancestor(old, new):
        raise Refused(422, "Update is not a fast forward")
    repo.git.set_ref(ref, new)
    return 200, _ref_json(repo, ref, new)


async def get_commit(repo: Repo, params: dict[str, str], body: Any) -> Answer:
    if repo.git.object_type(params["commit_sha"]) != "commit":
        raise Refused(404, "Not Found")
    return 200, commit_json(repo, params["commit_sha"])


async def create_commit(repo: Repo, params: dict[str, str], body: Any) -> Answer:
    if repo.git.object_type(body["tree"]) != "tree":
        raise Refused(422, "Tree SHA does not exist")
    parents = list(body.get("parents", []))
    if any(repo.git.object_type(p) != "commit" for p in parents):
        raise Refused(422, "Parent SHA does not exist or is not a commit object")
    author = body.get("author") or {"name": "factory[bot]", "email": "bot@example.com"}
    sha = repo.git.commit(body["message"], body["tree"], parents, author["name"], author["email"])
    return 201, commit_json(repo, sha)


async def create_tree(repo: Repo, params: dict[str, str], body: Any) -> Answer:
    base = body.get("base_tree")
    if base is not None and repo.git.object_type(base) not in ("tree", "commit"):
        raise Refused(422, "base_tree is not a valid tree oid")
    entries: list[tuple[str, str, str | None]] = []
    for entry in body["tree"]:
        if "content" in entry and entry.get("sha") is not None:
            raise Refused(422, "Only one of content or sha may be given")
        if entry.get("type") != "blob" or "path" not in entry or "mode" not in entry:
            raise Refused(422, "tree entries need path, mode and type blob here")
        if "content" in entry:
            sha: str | None = repo.git.blob(entry["content"].encode())
        else:
            sha = entry.get("sha")
        entries.append((entry["path"], entry["mode"], sha))
    tree = repo.git.tree(base, entries)
    return 201, {"sha": tree, "truncated": False,
                 "tree": [{"path": p, "mode": m, "type": "blob", "sha": s} for p, m, s in entries]}


async def get_content(repo: Repo, params: dict[str, str], body: Any, ref: str) -> Answer:
    data = repo.git.read(ref, params["path"])
    if data is None:
        raise Refused(404, "Not Found")
    name = params["path"].rsplit("/", 1)[-1]
    return 200, {"type": "file", "encoding": "base64", "size": len(data), "name": name,
                 "path": params["path"], "sha": repo.git.blob(data),
                 "content": base64.encodebytes(data).decode()}
