"""The GitHub App's settings, read once from the environment at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.errors import SettingsError

DEFAULT_API_URL = "https://api.github.com"


@dataclass(frozen=True)
class BotSettings:
    """What the App needs to authenticate to GitHub and to trust its webhooks."""

    app_id: int
    private_key: str
    webhook_secret: str
    api_url: str = DEFAULT_API_URL

    def __repr__(self) -> str:  # never print the key or the secret
        return f"BotSettings(app_id={self.app_id}, api_url={self.api_url!r})"


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is not set")
    return value


def _private_key(env: Mapping[str, str]) -> str:
    inline = env.get("GITHUB_PRIVATE_KEY", "")
    if inline.strip():
        # Environments that cannot hold newlines often carry the PEM with literal "\n".
        return inline.replace("\\n", "\n")
    path = env.get("GITHUB_PRIVATE_KEY_PATH", "").strip()
    if not path:
        raise SettingsError("GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH is not set")
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(
            f"GITHUB_PRIVATE_KEY_PATH {path} cannot be read: {exc.strerror}"
        ) from None


def _check_signing_key(pem: str) -> None:
    """Refuse at start a key that cannot sign the App's JWTs (RS256), instead of every event
    failing later."""
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SettingsError(f"GITHUB_PRIVATE_KEY is not a usable private key ({reason}); "
                            "download a new one from the App's settings") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SettingsError("GITHUB_PRIVATE_KEY is not an RSA key, which GitHub Apps sign with")


def load_settings(env: Mapping[str, str]) -> BotSettings:
    """Read and check every variable, failing with one line that names the first bad one."""
    raw_id = _required(env, "GITHUB_APP_ID")
    if not raw_id.isdigit():
        raise SettingsError(f"GITHUB_APP_ID must be a number, not {raw_id!r}")
    key = _private_key(env)
    if "PRIVATE KEY" not in key:
        raise SettingsError("GITHUB_PRIVATE_KEY does not hold a PEM private key")
    _check_signing_key(key)
    return BotSettings(
        app_id=int(raw_id),
        private_key=key,
        webhook_secret=_required(env, "GITHUB_WEBHOOK_SECRET"),
        api_url=(env.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL).rstrip("/"),
    )
