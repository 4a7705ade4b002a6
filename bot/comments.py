"""Issue and PR comments within GitHub's 65,536-character limit, created or edited in place.

A comment the bot owes exactly once carries a hidden marker naming its run and kind, so a
delivery repeated after a crash (or after an answer that never arrived) finds the comment
that landed and edits it instead of posting a second.
"""

from __future__ import annotations

from typing import Any

from bot.errors import NotFound
from bot.github import GitHub

COMMENT_LIMIT = 65536
COMMENTS_URL = "/repos/{owner}/{repo}/issues/{number}/comments"
LIST_COMMENTS_URL = "/repos/{owner}/{repo}/issues/{number}/comments{?per_page,page}"
COMMENT_URL = "/repos/{owner}/{repo}/issues/comments/{comment_id}"
TRUNCATED = "\n\n… (truncated to GitHub's comment limit; the run store keeps the full report)"
PAGE_SIZE = 100
MARKER = "<!-- code-factory run={run_id} kind={kind} -->"


def within_limit(body: str, limit: int = COMMENT_LIMIT) -> str:
    """`body` cut to fit one comment, saying so when it was cut."""
    if len(body) <= limit:
        return body
    return body[: limit - len(TRUNCATED)] + TRUNCATED


def marker(run_id: str, kind: str) -> str:
    """The hidden first line of the run's comment of `kind` (critic, judge, gate...)."""
    return MARKER.format(run_id=run_id, kind=kind)


async def post_comment(gh: GitHub, repo: str, number: int, body: str) -> int:
    """Comment on an issue or PR; returns the comment id."""
    owner, name = repo.split("/")
    answer = await gh.post(COMMENTS_URL, {"owner": owner, "repo": name, "number": number},
                           data={"body": within_limit(body)})
    return int(answer["id"])


async def _edit(gh: GitHub, repo: str, comment_id: int, body: str) -> None:
    owner, name = repo.split("/")
    await gh.patch(COMMENT_URL, {"owner": owner, "repo": name, "comment_id": comment_id},
                   data={"body": body})


async def find_marked(gh: GitHub, repo: str, number: int, mark: str) -> int | None:
    """The id of the comment on `number` whose body starts with `mark`, or None."""
    owner, name = repo.split("/")
    page = 1
    while True:
        comments = await gh.get(LIST_COMMENTS_URL, {"owner": owner, "repo": name,
                                                     "number": number, "per_page": PAGE_SIZE,
                                                     "page": page})
        for comment in comments:
            if str(comment.get("body") or "").startswith(mark):
                return int(comment["id"])
        if len(comments) < PAGE_SIZE:
            return None
        page += 1


async def deliver_comment(
    gh: GitHub, repo: str, number: int, body: str, mark: str, comment_id: int | None
) -> int:
    """Say `body` once on `number` under the hidden `mark`: edit the known comment, else the
    one a lost answer left there, else post (never resent blindly); returns its id."""
    text = within_limit(f"{mark}\n{body}")
    if comment_id is not None:
        try:
            await _edit(gh, repo, comment_id, text)
            return comment_id
        except NotFound:
            pass
    found = await find_marked(gh, repo, number, mark)
    if found is not None:
        await _edit(gh, repo, found, text)
        return found

    async def landed() -> dict[str, Any] | None:
        comment_id = await find_marked(gh, repo, number, mark)
        return None if comment_id is None else {"id": comment_id}

    owner, name = repo.split("/")
    answer = await gh.create(COMMENTS_URL, {"owner": owner, "repo": name, "number": number},
                             data={"body": text}, find=landed)
    return int(answer["id"])
