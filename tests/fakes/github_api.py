"""A GitHub API fake on loopback: real git objects behind the Git Data API, every request
checked against GitHub's OpenAPI description (a request it does not allow is refused and noted)
and its token's permissions against what the endpoint needs (a 403 as GitHub gives it).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from aiohttp import web

from tests.fakes import github_git as git_api
from tests.fakes.github_actions import FakeActions, page
from tests.fakes.github_git import Answer, Refused
from tests.fakes.github_permissions import (
    ISSUE_OR_PULL,
    NEEDS,
    NOT_ACCESSIBLE,
    ON_ISSUE,
    READ_ISSUE_OR_PULL,
    READ_ON_ISSUE,
    READY_OPERATION,
    Need,
    accepted_header,
    allows,
    narrowed,
)
from tests.fakes.github_state import PERMISSION_OF_ROLE, Call, Repo, State, Token, next_id
from tests.fakes.github_traps import Trap
from tests.fakes.openapi import OpenAPI, SpecViolation

COMMENT_LIMIT = 65536
OUTPUT_LIMIT = 65535
ANNOTATIONS_PER_REQUEST = 50
READY_MUTATION = re.compile(r"mutation\b.*\bmarkPullRequestReadyForReview\s*\(", re.S)
TOKEN_LIFETIME_S = 3600
NO_DRAFTS = "Draft pull requests are not supported in this repository."
PULLS_DOCS = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"

Handler = Callable[[Repo, dict[str, str], dict[str, str], Any], Awaitable[Answer]]


@dataclass(frozen=True)
class Fault:
    """A scripted failure: the status and headers to answer, for calls `when` accepts."""

    status: int
    headers: dict[str, str]
    when: Callable[[Any], bool]


class FakeGitHub:
    """The endpoints the bot uses, served from `State`; `calls` and `violations` are for asserts."""

    def __init__(self, root: Path, app_id: int, public_key: str) -> None:
        self.state = State(root)
        self.app_id = app_id
        self.public_key = public_key
        self.spec = OpenAPI()
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.faults: dict[str, list[Fault]] = {}
        self.lost_answers: dict[str, list[Fault]] = {}
        self.traps: list[Trap] = []
        self.token_lifetime_s = TOKEN_LIFETIME_S
        self.url = ""
        self.observers: list[Callable[[str, Repo, dict[str, str], Any], None]] = []
        """Told of every request handled without error (operation, repo, path params, body)."""
        self.blobs: dict[str, str] = {}
        """Text served without a token under /_blobs/ (where GitHub redirects a log download)."""
        self._runner: web.AppRunner | None = None
        self.handlers: dict[str, Handler] = {
            "repos/get": self._get_repo,
            "repos/get-content": self._get_content,
            "git/get-ref": _git(git_api.get_ref),
            "git/create-ref": _git(git_api.create_ref),
            "git/update-ref": _git(git_api.update_ref),
            "git/get-commit": _git(git_api.get_commit),
            "git/create-commit": _git(git_api.create_commit),
            "git/create-tree": _git(git_api.create_tree),
            "pulls/list": self._list_pulls,
            "pulls/create": self._create_pull,
            "pulls/get": self._get_pull,
            "pulls/update": self._update_pull,
            "issues/list-comments": self._list_comments,
            "issues/create-comment": self._create_comment,
            "issues/update-comment": self._update_comment,
            "reactions/create-for-issue-comment": self._react_comment,
            "reactions/create-for-issue": self._react_issue,
            "checks/create": self._create_check,
            "checks/update": self._update_check,
            "repos/get-collaborator-permission-level": self._permission,
        }
        self.actions = FakeActions(self)
        """The repository's CI: a workflow reacting to pushes, once a test scripts one."""

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def open_door(self) -> str:
        """Serve on one more loopback port too; its URL. A request's `Call.door` names the
        port it came in on, so each client given a door of its own can be told apart."""
        assert self._runner is not None, "start the fake first"
        known = {address[1] for address in self._runner.addresses}
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        [port] = {address[1] for address in self._runner.addresses} - known
        return f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        await self.actions.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def fail_next(self, operation: str, status: int, headers: dict[str, str] | None = None,
                  times: int = 1, when: Callable[[Any], bool] | None = None) -> None:
        """Answer the next `times` calls of `operation` with `status` (and headers) instead;
        with `when`, only calls whose JSON body it accepts."""
        fault = Fault(status, headers or {}, when or (lambda body: True))
        self.faults.setdefault(operation, []).extend([fault] * times)

    def lose_next_answer(self, operation: str, status: int = 502, times: int = 1,
                         when: Callable[[Any], bool] | None = None) -> None:
        """Apply the next `times` calls of `operation` (that `when` accepts), then answer
        `status` instead of the result: a request GitHub carried out whose answer was lost."""
        fault = Fault(status, {}, when or (lambda body: True))
        self.lost_answers.setdefault(operation, []).extend([fault] * times)

    def _lose_answer(self, call: Call) -> None:
        lost = self.lost_answers.get(call.operation, [])
        fault = next((f for f in lost if f.when(call.body)), None)
        if fault is not None:
            lost.remove(fault)
            raise Refused(fault.status, f"fake: applied, answer lost ({call.operation})")

    def _inject_fault(self, call: Call) -> None:
        """Answer with a scripted failure instead of handling the request (nothing changes);
        a trap that springs before the request is applied refuses it the same way."""
        if any([trap.before(call) for trap in self.traps]):
            raise Refused(502, "fake: trapped before it was applied")
        faults = self.faults.get(call.operation, [])
        fault = next((f for f in faults if f.when(call.body)), None)
        if fault is not None:
            faults.remove(fault)
            raise Refused(fault.status, f"fake fault {fault.status}", headers=fault.headers)

    def blob(self, name: str, text: str) -> str:
        """Serve `text` at a URL of its own, as GitHub's blob storage does; return the URL."""
        self.blobs[name] = text
        return f"{self.url}/_blobs/{name}"

    def called(self, operation: str) -> list[Call]:
        return [c for c in self.calls if c.operation == operation and c.status < 400]

    # -- dispatch -----------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        raw_path = request.raw_path.split("?", 1)[0]
        if raw_path.startswith("/_blobs/") and raw_path[len("/_blobs/"):] in self.blobs:
            return web.Response(text=self.blobs[raw_path[len("/_blobs/"):]])
        query = dict(request.query)
        body = await request.read()
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        call = Call(request.method, raw_path, "", query, None, door=sockname[1] if sockname else 0)
        self.calls.append(call)
        extra: dict[str, str] = {}
        try:
            if request.method == "POST" and raw_path == "/graphql":
                call.operation = "graphql"
                with contextlib.suppress(ValueError):
                    call.body = json.loads(body)
                self._inject_fault(call)
                status, answer = await self._graphql(request, call, body)
            else:
                status, answer, *more = await self._rest(request, call, raw_path, query, body)
                extra = more[0] if more else {}
            self._lose_answer(call)
        except SpecViolation as exc:
            self.violations.append(str(exc))
            status, answer = 400, {"message": f"fake: {exc}"}
        except Refused as exc:
            status, answer, extra = exc.status, exc.body, exc.headers
        call.status = status
        for trap in self.traps:
            trap.after(call)
        headers = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999",
                   "x-ratelimit-reset": str(int(time.time()) + 3600),
                   "x-ratelimit-used": "1", "x-ratelimit-resource": "core", **extra}
        return web.json_response(answer, status=status, headers=headers)

    async def _rest(self, request: web.Request, call: Call, raw_path: str,
                    query: dict[str, str], body: bytes) -> Answer:
        op, params = self.spec.match(request.method, raw_path)
        call.operation = op.operation_id
        data = self.spec.check(op, query, body)
        call.body = data
        self._inject_fault(call)
        if op.operation_id == "apps/create-installation-access-token":
            return self._issue_token(request, int(params["installation_id"]), data)
        repo = self.state.repo(params["owner"], params["repo"])
        if repo is None:
            raise Refused(404, "Not Found")
        token = self._authorize(request, repo)
        self._permit(call, token, _narrow_to_target(NEEDS[op.operation_id], repo, params))
        answer = await self.handlers[op.operation_id](repo, params, query, data)
        for observe in self.observers:
            observe(op.operation_id, repo, params, data)
        return answer

    # -- auth ---------------------------------------------------------------------------------
    def _issue_token(self, request: web.Request, installation_id: int, body: Any) -> Answer:
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            raise Refused(401, "A JSON web token could not be decoded")
        try:
            claims = jwt.decode(credential, self.public_key, algorithms=["RS256"])
        except jwt.PyJWTError as exc:
            raise Refused(401, f"A JSON web token could not be decoded: {exc}") from None
        if claims.get("iss") != str(self.app_id) or claims["exp"] - claims["iat"] > 600:
            raise Refused(401, "'Issuer' claim ('iss') or expiry is wrong")
        if installation_id not in self.state.installations:
            raise Refused(404, "Not Found")
        granted = self.state.granted[installation_id]
        permissions = narrowed(granted, (body or {}).get("permissions") or granted)
        if permissions is None:
            raise Refused(422, "The permissions requested are not granted to this installation.")
        token = f"ghs_{next_id()}"
        expires = time.time() + self.token_lifetime_s
        self.state.tokens[token] = Token(installation_id, expires, permissions)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires))
        return 201, {"token": token, "expires_at": stamp, "permissions": permissions,
                     "repository_selection": "all"}

    def _authorize(self, request: web.Request, repo: Repo | None) -> Token:
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        held = self.state.tokens.get(credential) if scheme.lower() in ("token", "bearer") else None
        if held is None or held.expires < time.time():
            raise Refused(401, "Bad credentials")
        if repo is not None and held.installation_id != repo.installation_id:
            raise Refused(404, "Not Found")
        return held

    def _permit(self, call: Call, token: Token, need: Need) -> None:
        """Refuse, as GitHub does, a token that holds none of the permission sets `need` names."""
        call.needs = need
        if not allows(token.permissions, need):
            raise Refused(403, NOT_ACCESSIBLE,
                          headers={"X-Accepted-GitHub-Permissions": accepted_header(need)})

    # -- repos and contents -------------------------------------------------------------------
    async def _get_repo(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                        body: Any) -> Answer:
        return 200, repo.as_json()

    async def _get_content(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                           body: Any) -> Answer:
        ref = query.get("ref", repo.git.default_branch)
        return await git_api.get_content(repo, params, body, ref)

    async def _permission(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                          body: Any) -> Answer:
        user = params["username"]
        if user not in repo.roles:
            raise Refused(404, f"{user} is not a user")
        role = repo.roles[user]
        return 200, {"permission": PERMISSION_OF_ROLE[role], "role_name": role,
                     "user": {"login": user, "id": next_id(), "type": "User"}}

    # -- pulls --------------------------------------------------------------------------------
    def _pull_json(self, repo: Repo, pull: dict[str, Any]) -> dict[str, Any]:
        head_sha = repo.git.ref(f"refs/heads/{pull['head']}")
        return {
            "number": pull["number"], "id": pull["id"], "node_id": pull["node_id"],
            "title": pull["title"], "body": pull["body"], "draft": pull["draft"],
            "state": pull["state"], "html_url": f"https://github.com/{repo.full_name}/pull/"
                                                f"{pull['number']}",
            "head": {"ref": pull["head"], "sha": head_sha, "label": f"{repo.owner}:{pull['head']}"},
            "base": {"ref": pull["base"], "sha": repo.git.ref(f"refs/heads/{pull['base']}")},
        }

    async def _list_pulls(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                          body: Any) -> Answer:
        pulls = list(repo.pulls.values())
        if "head" in query:
            pulls = [p for p in pulls if f"{repo.owner}:{p['head']}" == query["head"]]
        state = query.get("state", "open")
        if state != "all":
            pulls = [p for p in pulls if p["state"] == state]
        return 200, [self._pull_json(repo, p) for p in pulls]

    async def _create_pull(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                           body: Any) -> Answer:
        if body.get("draft") and not repo.drafts_allowed:
            raise Refused(422, NO_DRAFTS, documentation_url=PULLS_DOCS)
        head, base = body["head"].split(":")[-1], body["base"]
        if repo.git.ref(f"refs/heads/{head}") is None:
            raise Refused(422, "Validation Failed", [{"field": "head", "code": "invalid"}])
        if not repo.branch_commits(head):
            # As GitHub words it: a "custom" error with a message (clients read `code`).
            raise Refused(422, "Validation Failed", [{
                "resource": "PullRequest", "code": "custom",
                "message": f"No commits between {base} and {head}"}])
        if any(p["head"] == head and p["state"] == "open" for p in repo.pulls.values()):
            raise Refused(422, "Validation Failed",
                          [{"message": f"A pull request already exists for {head}."}])
        number = next(repo.numbers)
        pull = {"number": number, "id": next_id(), "node_id": f"PR_{next_id()}",
                "title": body["title"], "body": body.get("body", ""), "head": head, "base": base,
                "draft": bool(body.get("draft")), "state": "open"}
        repo.pulls[number] = pull
        return 201, self._pull_json(repo, pull)

    def _pull(self, repo: Repo, params: dict[str, str]) -> dict[str, Any]:
        pull = repo.pulls.get(int(params["pull_number"]))
        if pull is None:
            raise Refused(404, "Not Found")
        return pull

    async def _get_pull(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                        body: Any) -> Answer:
        return 200, self._pull_json(repo, self._pull(repo, params))

    async def _update_pull(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                           body: Any) -> Answer:
        pull = self._pull(repo, params)
        pull.update({k: body[k] for k in ("title", "body", "state") if k in body})
        return 200, self._pull_json(repo, pull)

    # -- comments and reactions ---------------------------------------------------------------
    def _known_number(self, repo: Repo, number: int) -> None:
        if number not in repo.issues and number not in repo.pulls:
            raise Refused(404, "Not Found")

    async def _list_comments(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                             body: Any) -> Any:
        number = int(params["issue_number"])
        self._known_number(repo, number)
        url = f"{self.url}/repos/{repo.full_name}/issues/{number}/comments"
        chunk, headers = page(repo.comments_on(number), query, url)
        return 200, chunk, headers

    async def _create_comment(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                              body: Any) -> Answer:
        number = int(params["issue_number"])
        self._known_number(repo, number)
        if len(body["body"]) > COMMENT_LIMIT:
            raise Refused(422, "Validation Failed",
                          [{"field": "body", "code": "custom", "message": "body is too long"}])
        comment = {"id": next_id(), "issue_number": number, "body": body["body"],
                   "user": {"login": "code-factory[bot]", "type": "Bot"}}
        repo.comments[comment["id"]] = comment
        return 201, {**comment, "html_url": f"https://github.com/{repo.full_name}/issues/"
                                            f"{number}#issuecomment-{comment['id']}"}

    async def _update_comment(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                              body: Any) -> Answer:
        comment = repo.comments.get(int(params["comment_id"]))
        if comment is None:
            raise Refused(404, "Not Found")
        if len(body["body"]) > COMMENT_LIMIT:
            raise Refused(422, "Validation Failed", [{"field": "body", "code": "custom"}])
        comment["body"] = body["body"]
        comment["edits"] = comment.get("edits", 0) + 1
        return 200, comment

    async def _react_comment(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                             body: Any) -> Answer:
        reaction = {"id": next_id(), "content": body["content"],
                    "comment_id": int(params["comment_id"])}
        repo.reactions.append(reaction)
        return 201, reaction

    async def _react_issue(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                           body: Any) -> Answer:
        number = int(params["issue_number"])
        self._known_number(repo, number)
        reaction = {"id": next_id(), "content": body["content"], "issue_number": number}
        repo.reactions.append(reaction)
        return 201, reaction

    # -- check runs ---------------------------------------------------------------------------
    def _apply_output(self, run: dict[str, Any], output: dict[str, Any] | None) -> None:
        if output is None:
            return
        for key in ("summary", "text"):
            if len(output.get(key) or "") > OUTPUT_LIMIT:
                raise Refused(422, f"output.{key} is too long")
        annotations = output.get("annotations", [])
        if len(annotations) > ANNOTATIONS_PER_REQUEST:
            raise Refused(422, "Only 50 annotations may be sent per request")
        run["annotations"].extend(annotations)
        run["output"].update({k: v for k, v in output.items() if k != "annotations"})

    def _check_json(self, repo: Repo, run: dict[str, Any]) -> dict[str, Any]:
        output = {**run["output"], "annotations_count": len(run["annotations"])}
        return {k: v for k, v in run.items() if k != "annotations"} | {"output": output}

    async def _create_check(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                            body: Any) -> Answer:
        if repo.git.object_type(body["head_sha"]) != "commit":
            raise Refused(422, "No commit found for SHA")
        run = {"id": next_id(), "name": body["name"], "head_sha": body["head_sha"],
               "status": body.get("status", "queued"), "conclusion": body.get("conclusion"),
               "external_id": body.get("external_id"), "output": {}, "annotations": [],
               "html_url": f"https://github.com/{repo.full_name}/runs/0", "updates": 0}
        if run["conclusion"] is not None:
            run["status"] = "completed"
        self._apply_output(run, body.get("output"))
        repo.check_runs[run["id"]] = run
        return 201, self._check_json(repo, run)

    async def _update_check(self, repo: Repo, params: dict[str, str], query: dict[str, str],
                            body: Any) -> Answer:
        run = repo.check_runs.get(int(params["check_run_id"]))
        if run is None:
            raise Refused(404, "Not Found")
        if body.get("status") == "completed" and "conclusion" not in body:
            raise Refused(422, "conclusion is required when status is completed")
        self._apply_output(run, body.get("output"))
        for key in ("name", "status", "conclusion", "external_id"):
            if key in body:
                run[key] = body[key]
        if "conclusion" in body:
            run["status"] = "completed"
        run["updates"] += 1
        return 200, self._check_json(repo, run)

    # -- graphql ------------------------------------------------------------------------------
    async def _graphql(self, request: web.Request, call: Call, body: bytes) -> Answer:
        self._authorize(request, None)
        try:
            data = json.loads(body)
        except ValueError:
            raise SpecViolation("graphql: body is not JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("query"), str):
            raise SpecViolation("graphql: body must be {query, variables}")
        if not READY_MUTATION.search(data["query"]):
            raise SpecViolation("graphql: the fake knows only markPullRequestReadyForReview")
        variables = data.get("variables") or {}
        node_id = next((v for v in variables.values() if isinstance(v, str)), None)
        found = self.state.find_pull_by_node(node_id or "")
        if found is None:
            return 200, {"data": None, "errors": [{"type": "NOT_FOUND",
                                                   "message": f"Could not resolve {node_id}"}]}
        repo, pull = found
        call.needs = NEEDS[READY_OPERATION]
        if not allows(self._authorize(request, repo).permissions, call.needs):
            return 200, {"data": {"markPullRequestReadyForReview": None}, "errors": [{
                "type": "FORBIDDEN", "path": ["markPullRequestReadyForReview"],
                "message": NOT_ACCESSIBLE}]}
        pull["draft"] = False
        return 200, {"data": {"markPullRequestReadyForReview": {
            "pullRequest": {"number": pull["number"], "isDraft": False}}}}


def _narrow_to_target(need: Need, repo: Repo, params: dict[str, str]) -> Need:
    """An issue endpoint aimed at an issue, not a pull request, takes only the issues permission."""
    if need == ISSUE_OR_PULL:
        on_issue = ON_ISSUE
    elif need == READ_ISSUE_OR_PULL:
        on_issue = READ_ON_ISSUE
    else:
        return need
    number: int | None = None
    if "issue_number" in params:
        number = int(params["issue_number"])
    elif "comment_id" in params:
        comment = repo.comments.get(int(params["comment_id"]))
        number = comment["issue_number"] if comment else None
    return on_issue if number in repo.issues else need
def _git(handler: Callable[[Repo, dict[str, str], Any], Awaitable[Answer]]) -> Handler:
    async def call(repo: Repo, params: dict[str, str], query: dict[str, str], body: Any) -> Answer:
        return await handler(repo, params, body)

    return call
