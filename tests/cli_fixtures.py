"""Fixtures for tests of the `factory` command line: a store of the test's own, no keys.

Test modules load them with `pytest_plugins = ["tests.cli_fixtures"]`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

UNSET = ("FACTORY_DATABASE_URL", "FACTORY_ENGINE", "FACTORY_CONFIG_FILE", "ANTHROPIC_API_KEY")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """FACTORY_DATA_DIR in the test's temporary directory, and no setting from the caller."""
    monkeypatch.setenv("FACTORY_DATA_DIR", str(tmp_path / "data"))
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"
