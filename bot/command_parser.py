"""Parsing slash commands out of a PR comment: `/retry`, `/status`, `/cancel`.

Only lines that GitHub renders as plain text at the start of a line count, so quoting someone's
`/retry` or showing it in a code sample does not run it. Ignored, as GitHub's Markdown (CommonMark)
renders them: fenced code of any fence length (closed only by a fence of the same character at
least as long), indented code, block quotes with their lazy continuation lines (up to the next
blank line), HTML comments and `<pre>` blocks. https://spec.commonmark.org/0.31.2/
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

COMMAND_LINE = re.compile(r"^/(?P<name>[a-z]+)\b(?P<rest>.*)$")
FENCE_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
PRE_BLOCK = re.compile(r"<pre\b.*?(?:</pre\s*>|\Z)", re.DOTALL | re.IGNORECASE)
PATH_TOKEN = re.compile(r"^[\w.\-/]+\.[A-Za-z0-9]+$")
"""A word that names a file (`lib/cart.dart`, `cart_screen.dart`); the rest is the note."""
COMMANDS = frozenset({"retry", "status", "cancel"})


@dataclass
class Commands:
    """What one comment asks for; several `/retry` lines merge into one retry."""

    retry: list[str] = field(default_factory=list)
    retry_asked: bool = False
    notes: list[str] = field(default_factory=list)
    status: bool = False
    cancel: bool = False
    unknown: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.retry_asked or self.status or self.cancel)

    @property
    def note(self) -> str:
        return "\n".join(self.notes)


def command_lines(body: str) -> list[str]:
    """Lines of a comment that may hold commands: rendered as plain text, stripped."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    text = PRE_BLOCK.sub("", HTML_COMMENT.sub("", text))
    lines = []
    fence: str | None = None
    quoted = False
    for raw in text.split("\n"):
        if fence is not None:
            if _closes(raw, fence):
                fence = None
            continue
        if (opened := _opens_fence(raw)) is not None:
            fence, quoted = opened, False
        elif not raw.strip():
            quoted = False
        elif raw.lstrip().startswith(">"):
            quoted = True
        elif not quoted and not raw.startswith(("    ", "\t")):
            lines.append(raw.strip())
    return lines


def _opens_fence(line: str) -> str | None:
    match = FENCE_OPEN.match(line)
    if match is None or (match["fence"][0] == "`" and "`" in match["info"]):
        return None  # a backtick fence's info string may hold no backtick
    return match["fence"]


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return (len(line) - len(line.lstrip(" ")) <= 3 and len(stripped) >= len(fence)
            and set(stripped) == {fence[0]})


def _unquote(token: str) -> str:
    return token.strip("`'\"")


def parse_commands(body: str) -> Commands:
    """Every command in the comment, in order of appearance."""
    found = Commands()
    for line in command_lines(body):
        match = COMMAND_LINE.match(line)
        if match is None:
            continue
        name, words = match["name"], match["rest"].split()
        if name not in COMMANDS:
            found.unknown.append(name)
        elif name == "status":
            found.status = True
        elif name == "cancel":
            found.cancel = True
        else:
            found.retry_asked = True
            paths = []
            while words and PATH_TOKEN.match(_unquote(words[0])):
                paths.append(_unquote(words.pop(0)))
            found.retry.extend(p for p in paths if p not in found.retry)
            if words:
                found.notes.append(" ".join(words))
    return found
