"""How the Claude Code CLI is locked down for the claude-cli engine: flags, environment, directory.

The CLI is a whole agent: by default it has tools (Write, Bash, ...), reads settings, CLAUDE.md
and MCP servers from its working directory and home, keeps sessions, and inherits the
environment (in the App's server: the GitHub private key and every secret). Here it runs as a
plain model call: no tools, a strict empty MCP config, the CLI's own setting sources off, one
turn, no session persistence, the role's system prompt as the system prompt, in an empty
temporary directory, with only the variables the CLI itself reads.
CLI reference: https://docs.anthropic.com/en/docs/claude-code/cli-reference
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

EMPTY_MCP_CONFIG = json.dumps({"mcpServers": {}})
KEPT_VARIABLES = frozenset({
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TERM",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
    "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR", "XDG_CONFIG_HOME",
})
"""What a process needs to run and reach the API (HOME holds the CLI's own login)."""
KEPT_PREFIXES = ("ANTHROPIC_", "CLAUDE_CODE_", "CLAUDE_CONFIG_DIR")
"""The CLI's own settings and credentials (`ANTHROPIC_API_KEY`, `CLAUDE_CODE_OAUTH_TOKEN`...)."""
MAX_SYSTEM_ARG_CHARS = 100_000
"""A longer system prompt does not fit one argument (Linux allows 128 KiB); its context
blocks then travel at the top of the prompt on stdin instead."""


def arguments(model: str, system: str, schema: dict[str, Any] | None) -> list[str]:
    """The CLI's arguments for one locked-down, one-turn call (the prompt goes on stdin)."""
    args = [
        "-p", "--output-format", "json", "--model", model,
        "--tools", "",
        "--strict-mcp-config", "--mcp-config", EMPTY_MCP_CONFIG,
        "--setting-sources", "",
        "--no-session-persistence",
        "--disable-slash-commands",
        "--max-turns", "1",
        "--system-prompt", system,
    ]
    if schema is not None:
        args += ["--json-schema", json.dumps(schema)]
    return args


def environment(parent: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of the CLI: the kept variables of `parent` (default: ours), no secret."""
    source = os.environ if parent is None else parent
    return {k: v for k, v in source.items()
            if k in KEPT_VARIABLES or k.startswith(KEPT_PREFIXES)}
