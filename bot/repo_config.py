"""A repository's `.github/factory.yml`, read from its default branch and validated."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import yaml

from bot.errors import BotError, NotFound
from bot.github import GitHub
from pipeline.config import FactoryConfig, load_config_dict
from pipeline.errors import ConfigError

CONFIG_PATH = ".github/factory.yml"
DEFAULT_LABEL = "factory"
BOT_KEYS = frozenset({"label"})
"""Keys the bot reads itself; everything else is a pipeline knob (FactoryConfig)."""
CONTENTS_URL = "/repos/{owner}/{repo}/contents/{+path}{?ref}"


class RepoConfigInvalid(BotError):
    """The repository's config file cannot be used; `problems` lists why, one per line."""

    def __init__(self, problems: list[str], label: str = DEFAULT_LABEL) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.label = label
        """The label the file asks for when that much could be read (whose events it owns)."""


@dataclass(frozen=True)
class RepoConfig:
    label: str
    config: FactoryConfig


def parse_repo_config(text: str, base: FactoryConfig) -> RepoConfig:
    """Validate the file's text against the server's config; raise RepoConfigInvalid."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RepoConfigInvalid([f"{CONFIG_PATH} is not valid YAML: {exc}"]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RepoConfigInvalid([f"{CONFIG_PATH} must hold a mapping of settings"])
    label = data.get("label", DEFAULT_LABEL)
    problems = []
    if not isinstance(label, str) or not label.strip():
        problems.append("label: must be a non-empty string")
    knobs = {k: v for k, v in data.items() if k not in BOT_KEYS}
    try:
        config = load_config_dict({**base.model_dump(), **knobs}, source=CONFIG_PATH)
    except ConfigError as exc:
        detail = str(exc).split(": ", 1)[-1]
        problems.extend(detail.split("; "))
        config = base
    if problems:
        raise RepoConfigInvalid(problems, label if isinstance(label, str) else DEFAULT_LABEL)
    return RepoConfig(label=str(label).strip(), config=config)


async def load_repo_config(
    gh: GitHub, repository: dict[str, Any], base: FactoryConfig
) -> RepoConfig:
    """The config on the default branch; the server's defaults when the file is absent."""
    owner, name = repository["full_name"].split("/")
    try:
        content = await gh.get(CONTENTS_URL, {"owner": owner, "repo": name, "path": CONFIG_PATH,
                                              "ref": repository["default_branch"]})
    except NotFound:
        return RepoConfig(label=DEFAULT_LABEL, config=base)
    if not isinstance(content, dict) or content.get("type") != "file":
        raise RepoConfigInvalid([f"{CONFIG_PATH} must be a file"])
    text = base64.b64decode(content["content"]).decode("utf-8", errors="replace")
    return parse_repo_config(text, base)


def render_problems(problems: list[str]) -> str:
    """The comment that tells a maintainer why no run started."""
    lines = "\n".join(f"- `{p}`" for p in problems)
    return (f"Code Factory did not start: `{CONFIG_PATH}` on the default branch is invalid.\n\n"
            f"{lines}\n\nFix the file and add the label again.")
