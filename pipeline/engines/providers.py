"""Where an OpenAI-compatible provider is and what key it takes, from its own variables.

The `openai` engine reads `OPENAI_API_KEY` (required) and `OPENAI_BASE_URL` (optional: the
SDK's default is OpenAI's API). Any other name a role gives as its engine (`local`,
`openrouter`, `gemini`) is a named OpenAI-compatible provider: `<NAME>_BASE_URL` (required) and
`<NAME>_API_KEY` (optional: local servers mostly check none), NAME being the name in capitals
with `-` as `_`. So a local vLLM and OpenRouter coexist as `local` and `openrouter`.

Addresses and keys come only from the server's environment, never from a config file: a
repository's `.github/factory.yml` may name a provider, but cannot point a key at a server of
its choosing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.errors import ConfigError

OPENAI = "openai"
MISSING_OPENAI_KEY = (
    "OPENAI_API_KEY is not set: the openai engine needs it for {roles} (for an OpenAI-compatible "
    "server set OPENAI_BASE_URL too, or name it as a provider of its own)"
)
MISSING_BASE_URL = (
    "{prefix}_BASE_URL is not set: the provider {name!r} (an OpenAI-compatible server) needs it "
    "for {roles}; set it to the server's address, e.g. http://127.0.0.1:8000/v1, and "
    "{prefix}_API_KEY if it checks keys"
)


@dataclass(frozen=True)
class Provider:
    """An OpenAI-compatible server: its name, address (None: the SDK's default) and key."""

    name: str
    base_url: str | None
    api_key: str
    key_variable: str
    """The variable the key came from, for error lines (`OPENROUTER_API_KEY`)."""


def env_prefix(name: str) -> str:
    """The variables' prefix of a provider: `open-router` -> `OPEN_ROUTER`."""
    return name.upper().replace("-", "_")


def provider(name: str, environ: Mapping[str, str], roles: list[str]) -> Provider:
    """The provider `name` as the environment sets it up; ConfigError naming the missing
    variable and the `roles` that need it, in one line."""
    prefix = env_prefix(name)
    who = roles_text(roles)
    key_variable = f"{prefix}_API_KEY"
    key = environ.get(key_variable, "")
    base_url = environ.get(f"{prefix}_BASE_URL") or None
    if name == OPENAI and not key:
        raise ConfigError(MISSING_OPENAI_KEY.format(roles=who))
    if name != OPENAI and base_url is None:
        raise ConfigError(MISSING_BASE_URL.format(prefix=prefix, roles=who, name=name))
    return Provider(name, base_url, key, key_variable)


def roles_text(roles: list[str]) -> str:
    """`the critic`, `the critic and judge`, `the planner, reviewer tester and judge`."""
    if len(roles) == 1:
        return f"the {roles[0]}"
    return "the " + ", ".join(roles[:-1]) + f" and {roles[-1]}"
