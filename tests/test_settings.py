"""The App's settings: read once, and one clear line for a missing or bad variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from bot.errors import SettingsError
from bot.settings import DEFAULT_API_URL, load_settings

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
).decode()
EC_KEY = ec.generate_private_key(ec.SECP256R1()).private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
).decode()
ENV = {"GITHUB_APP_ID": "123", "GITHUB_PRIVATE_KEY": KEY, "GITHUB_WEBHOOK_SECRET": "hunter2"}


def test_complete_environment() -> None:
    settings = load_settings(ENV)
    assert (settings.app_id, settings.private_key, settings.api_url) == (123, KEY, DEFAULT_API_URL)
    assert "hunter2" not in repr(settings) and "PRIVATE" not in repr(settings)


def test_escaped_newlines_enterprise_url_and_key_file(tmp_path: Path) -> None:
    pem = tmp_path / "app.pem"
    pem.write_text(KEY)
    env = {**ENV, "GITHUB_PRIVATE_KEY": "", "GITHUB_PRIVATE_KEY_PATH": str(pem),
           "GITHUB_API_URL": "https://ghe.example.com/api/v3/"}
    settings = load_settings(env)
    assert settings.private_key == KEY and settings.api_url == "https://ghe.example.com/api/v3"
    inline = load_settings({**ENV, "GITHUB_PRIVATE_KEY": KEY.replace("\n", "\\n")})
    assert inline.private_key == KEY


@pytest.mark.parametrize(("change", "message"), [
    ({"GITHUB_APP_ID": ""}, "GITHUB_APP_ID is not set"),
    ({"GITHUB_APP_ID": "abc"}, "GITHUB_APP_ID must be a number"),
    ({"GITHUB_PRIVATE_KEY": ""}, "GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH is not set"),
    ({"GITHUB_PRIVATE_KEY": "hello"}, "does not hold a PEM private key"),
    ({"GITHUB_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"},
     "is not a usable private key"),
    ({"GITHUB_PRIVATE_KEY": KEY[:400] + KEY[420:]}, "is not a usable private key"),
    ({"GITHUB_PRIVATE_KEY": EC_KEY}, "is not an RSA key"),
    ({"GITHUB_PRIVATE_KEY": "", "GITHUB_PRIVATE_KEY_PATH": "/nope.pem"}, "cannot be read"),
    ({"GITHUB_WEBHOOK_SECRET": " "}, "GITHUB_WEBHOOK_SECRET is not set"),
])
def test_each_problem_is_named(change: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message) as caught:
        load_settings({**ENV, **change})
    assert "\n" not in str(caught.value)
