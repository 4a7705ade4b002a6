"""Parsing slash commands out of a PR comment: `/retry`, `/status`, `/cancel`.

Lines inside fenced code blocks, indented code, and quoted replies (`> `) are ignored, so
quoting someone's `/retry` or showing it in a code sample does not run it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

COMMAND_LINE = re.compile(r"^/(?P<name>[a-z]+)\b(?P<rest>.*)$")
FENCE = re.compile(r"^(```|~~~)")
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
    """Lines of a comment that may hold commands: outside code and quotes, stripped."""
    lines = []
    fenced = False
    for raw in body.replace("\r\n", "\n").split("\n"):
        if FENCE.match(raw.lstrip()):
            fenced = not fenced
            continue
        if fenced or raw.startswith(("    ", "\t")) or raw.lstrip().startswith(">"):
            continue
        lines.append(raw.strip())
    return lines


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
