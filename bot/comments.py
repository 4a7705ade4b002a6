"""Issue and PR comments within GitHub's 65,536-character limit, created or edited in place."""

from __future__ import annotations

from bot.errors import NotFound
from bot.github import GitHub

COMMENT_LIMIT = 65536
COMMENTS_URL = "/repos/{owner}/{repo}/issues/{number}/comments"
COMMENT_URL = "/repos/{owner}/{repo}/issues/comments/{comment_id}"
TRUNCATED = "\n\n… (truncated to GitHub's comment limit; the run store keeps the full report)"


def within_limit(body: str, limit: int = COMMENT_LIMIT) -> str:
    """`body` cut to fit one comment, saying so when it was cut."""
    if len(body) <= limit:
        return body
    return body[: limit - len(TRUNCATED)] + TRUNCATED


async def post_comment(gh: GitHub, repo: str, number: int, body: str) -> int:
    """Comment on an issue or PR; returns the comment id."""
    owner, name = repo.split("/")
    answer = await gh.post(COMMENTS_URL, {"owner": owner, "repo": name, "number": number},
                           data={"body": within_limit(body)})
    return int(answer["id"])


async def upsert_comment(
    gh: GitHub, repo: str, number: int, body: str, comment_id: int | None
) -> int:
    """Edit comment `comment_id` in place, or post a new one (also when it was deleted)."""
    if comment_id is not None:
        owner, name = repo.split("/")
        try:
            await gh.patch(COMMENT_URL, {"owner": owner, "repo": name, "comment_id": comment_id},
                           data={"body": within_limit(body)})
            return comment_id
        except NotFound:
            pass
    return await post_comment(gh, repo, number, body)
