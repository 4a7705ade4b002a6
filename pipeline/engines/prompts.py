"""Renders an ask into a prompt from its role's template in templates/prompts/<role>.md.

A template is markdown split by `## <section>` headings. Each section has a fixed place in the
request (SECTIONS): `system` and `context` become system blocks, `dependencies` and `user` become
blocks of the first user turn. Only `context` ends with a prompt-cache breakpoint: it is the one
prefix every call of a role repeats (the conventions and the plan); a per-file breakpoint after
the dependencies would be written often and read rarely. `$conventions` shows the project's
conventions (pipeline/conventions.py).

`$field` in a template shows that field of the ask on its own; every field the template does not
show travels in one fenced ```ask <AskType>``` JSON block (`$ask`). Shown fields are fenced too:
text as ```ask-text <field>```, path-to-content maps as one ```ask-file <field> <path>``` per
file, anything else as ```ask-field <field>``` JSON. A model reads these plainly, and a test fake
can rebuild the exact ask from the prompt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from pipeline.asks import Ask
from pipeline.conventions import conventions_text
from pipeline.errors import ConfigError

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "prompts"
SECTIONS: dict[str, tuple[str, bool]] = {
    "system": ("system", False),
    "context": ("system", True),
    "dependencies": ("user", False),
    "user": ("user", False),
}
"""Section name -> (where it goes, whether it ends with a cache breakpoint)."""
_HEADING = re.compile(r"^## (\w+)[ \t]*$", re.MULTILINE)
_LONGEST_TICKS = re.compile(r"`+")


@dataclass(frozen=True)
class Block:
    """One text block of a request; `cached` puts a prompt-cache breakpoint after it."""

    text: str
    cached: bool = False


@dataclass(frozen=True)
class Prompt:
    """A rendered prompt: system blocks, then the blocks of the first user turn."""

    system: tuple[Block, ...]
    user: tuple[Block, ...]

    def text(self) -> str:
        """The whole prompt as one text (for engines that take a single prompt)."""
        return "\n\n".join(b.text for b in (*self.system, *self.user))


@dataclass(frozen=True)
class _Section:
    name: str
    template: Template


def render(ask: Ask) -> Prompt:
    """The prompt for `ask` from its role's template."""
    sections = _load(ask.role.value)
    data = ask.model_dump(mode="json")
    shown = {n for s in sections for n in s.template.get_identifiers() if n in data}
    values = {name: _show(name, data[name]) for name in shown}
    rest = {k: v for k, v in data.items() if k not in shown}
    values["ask"] = fence(f"ask {type(ask).__name__}", json.dumps(rest, indent=1))
    values["conventions"] = conventions_text()
    system: list[Block] = []
    user: list[Block] = []
    for section in sections:
        fields = [n for n in section.template.get_identifiers() if n in shown]
        if section.name != "user" and fields and not any(values[n] for n in fields):
            continue  # e.g. a file without dependencies has no dependencies block
        place, cached = SECTIONS[section.name]
        block = Block(section.template.substitute(values).strip(), cached)
        (system if place == "system" else user).append(block)
    return Prompt(tuple(system), tuple(user))


def fence(info: str, body: str) -> str:
    """A fenced block that `body` cannot close early, whatever backticks it holds."""
    longest = max((len(m) for m in _LONGEST_TICKS.findall(body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{body}\n{ticks}"


def _show(name: str, value: Any) -> str:
    if value is None or value == "" or value == {} or value == []:
        return ""
    if isinstance(value, str):
        return fence(f"ask-text {name}", value)
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return "\n\n".join(fence(f"ask-file {name} {path}", text) for path, text in value.items())
    return fence(f"ask-field {name}", json.dumps(value, indent=1))


@cache
def _load(role: str) -> tuple[_Section, ...]:
    path = TEMPLATE_DIR / f"{role}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read prompt template {path}: {exc.strerror}") from None
    parts = _HEADING.split(text)
    sections = []
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name not in SECTIONS:
            raise ConfigError(f"prompt template {path} has an unknown section {name!r}")
        sections.append(_Section(name, Template(body)))
    if not any(s.name == "user" for s in sections):
        raise ConfigError(f"prompt template {path} has no '## user' section")
    return tuple(sections)
