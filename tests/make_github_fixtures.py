"""Make the trimmed GitHub fixtures: the REST operations the bot uses and real webhook payloads.

Run from the repository root (it needs `npm` and the npm registry):

    .venv/bin/python tests/make_github_fixtures.py

It packs `@octokit/openapi` and `@octokit/webhooks-examples` into a temporary directory and
writes `tests/fixtures/github/openapi.json` (only the operations below, with every `$ref`
resolved, OpenAPI 3.0 `nullable` turned into JSON Schema, descriptions and examples dropped)
and `tests/fixtures/github/webhooks.json` (one example per event and action below).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "fixtures" / "github"
OPENAPI_PACKAGE = "@octokit/openapi"
WEBHOOKS_PACKAGE = "@octokit/webhooks-examples"
SPEC_FILE = "package/generated/api.github.com.json"
WEBHOOKS_FILE = "package/api.github.com/index.json"

OPERATIONS = (
    ("post", "/app/installations/{installation_id}/access_tokens"),
    ("get", "/repos/{owner}/{repo}"),
    ("get", "/repos/{owner}/{repo}/contents/{path}"),
    ("get", "/repos/{owner}/{repo}/git/ref/{ref}"),
    ("post", "/repos/{owner}/{repo}/git/refs"),
    ("patch", "/repos/{owner}/{repo}/git/refs/{ref}"),
    ("get", "/repos/{owner}/{repo}/git/commits/{commit_sha}"),
    ("post", "/repos/{owner}/{repo}/git/commits"),
    ("post", "/repos/{owner}/{repo}/git/trees"),
    ("get", "/repos/{owner}/{repo}/pulls"),
    ("post", "/repos/{owner}/{repo}/pulls"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("patch", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("post", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/reactions"),
    ("post", "/repos/{owner}/{repo}/check-runs"),
    ("patch", "/repos/{owner}/{repo}/check-runs/{check_run_id}"),
    ("get", "/repos/{owner}/{repo}/collaborators/{username}/permission"),
    ("get", "/repos/{owner}/{repo}/commits/{ref}/check-runs"),
    ("get", "/repos/{owner}/{repo}/commits/{ref}/check-suites"),
    ("get", "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations"),
    ("get", "/repos/{owner}/{repo}/actions/runs"),
    ("get", "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs"),
    ("get", "/repos/{owner}/{repo}/actions/jobs/{job_id}/logs"),
)
PINNED = {"@octokit/openapi": "23.0.2", "@octokit/webhooks-examples": "7.6.1"}
"""The versions the fixtures were made from; a newer one is a deliberate update."""

WEBHOOKS = (
    ("ping", None),
    ("issues", "labeled"),
    ("issues", "unlabeled"),
    ("issue_comment", "created"),
    ("issue_comment", "edited"),
    ("check_run", "rerequested"),
    ("installation", "created"),
    ("installation", "deleted"),
    ("check_run", "completed"),
    ("check_suite", "completed"),
    ("workflow_run", "completed"),
)

PARAMETER_KEYS = ("name", "in", "required", "schema", "x-multi-segment")
DROPPED_KEYS = frozenset({"description", "examples", "example", "externalDocs", "summary"})


def _pack(package: str, workdir: Path) -> tarfile.TarFile:
    done = subprocess.run(
        ["npm", "pack", f"{package}@{PINNED[package]}", "--silent"], cwd=workdir, check=True,
        capture_output=True, text=True,
    )
    return tarfile.open(workdir / done.stdout.strip().splitlines()[-1])


def _read_json(archive: tarfile.TarFile, member: str) -> Any:
    handle = archive.extractfile(member)
    if handle is None:
        raise SystemExit(f"{member} missing from the package")
    return json.load(handle)


def _resolve(node: Any, spec: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """Inline every `$ref`, drop prose, and turn `nullable: true` into a JSON Schema type."""
    if isinstance(node, list):
        return [_resolve(item, spec, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            return {}  # a recursive schema: accept anything below this point
        target: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return _resolve(target, spec, (*seen, ref))
    out = {k: _resolve(v, spec, seen) for k, v in node.items() if k not in DROPPED_KEYS}
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


def _operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    raw = spec["paths"][path][method]
    body = raw.get("requestBody")
    return {
        "operationId": raw["operationId"],
        "method": method.upper(),
        "path": path,
        "parameters": [
            {key: p[key] for key in PARAMETER_KEYS if key in p}
            for p in _resolve(raw.get("parameters", []), spec)
        ],
        "requestBody": None if body is None else {
            "required": body.get("required", False),
            "schema": _resolve(body["content"]["application/json"]["schema"], spec),
        },
        "responses": sorted(raw["responses"]),
    }



def main() -> int:
    """Pack both npm packages and write the trimmed fixtures."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spec_archive = _pack(OPENAPI_PACKAGE, Path(tmp))
        spec = _read_json(spec_archive, SPEC_FILE)
        version = _read_json(spec_archive, "package/package.json")["version"]
        hooks_archive = _pack(WEBHOOKS_PACKAGE, Path(tmp))
        hooks = _read_json(hooks_archive, WEBHOOKS_FILE)
        hooks_version = _read_json(hooks_archive, "package/package.json")["version"]
    trimmed = {
        "source": f"{OPENAPI_PACKAGE}@{version} {SPEC_FILE.removeprefix('package/')}",
        "operations": [_operation(spec, method, path) for method, path in OPERATIONS],
    }
    (OUT / "openapi.json").write_text(json.dumps(trimmed, indent=1, sort_keys=True) + "\n")
    by_name = {entry["name"]: entry["examples"] for entry in hooks}
    source = {"package": f"{WEBHOOKS_PACKAGE}@{hooks_version}"}
    picked: dict[str, dict[str, Any]] = {"source": source}
    for event, action in WEBHOOKS:
        example = next(e for e in by_name[event] if e.get("action") == action)
        picked.setdefault(event, {})[action or "default"] = example
    (OUT / "webhooks.json").write_text(json.dumps(picked, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT / 'openapi.json'} and {OUT / 'webhooks.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
